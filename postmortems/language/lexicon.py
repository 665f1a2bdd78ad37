"""The word classes the clause reader works with, as lemmas (dictionary forms), never as phrases.

A rule reads "a person as the subject of a harmful predicate", not "Priya broke the deploy";
these sets say which lemmas fill each slot. Words are normalised by ``lemmas.lemma`` first, so
"broke", "breaks" and "breaking" are all ``break``.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- who is speaking of whom ------------------------------------------------------------------

PERSON_PRONOUNS = _words("he she you someone somebody whoever him her")
WEAK_PRONOUNS = _words("they them")  # services and queues are "they" too
WE_PRONOUNS = _words("we us our ours ourselves i me my")
POSSESSIVE_PRONOUNS = _words("his her their your")
# Nouns that always stand for a person or a group of people, never a system.
ROLE_NOUNS = _words(
    """intern interns engineer engineers developer developers dev devs programmer operator reviewer approver
    author contractor contractors consultant dba sre sres sysadmin admin administrator oncall on-call oncaller
    newbie hire starter joiner junior senior lead manager guy guys folks employee staffer analyst architect
    tester designer commander responder responders human person people colleague colleagues coworker
    teammate teammates agent agents rep reps representative technician specialist trainee maintainer
    maintainers owner deployer captain contact liaison"""
)
# "the payments team", "ops", "QA": a group of people as the one who failed.
# Nouns that mock a person: "which genius turned off …", "some idiot".
MOCKING_NOUNS = _words("idiot genius clown hero wizard cowboy muppet numpty bozo joker")
GROUP_NOUNS = _words("team squad crew ops qa devops support department")
# A shift of people counts as a group after a word that says which one: "night shift", "the weekend shift"
# (not "the shift to Kubernetes").
SHIFTS = _words("shift shifts")
ROLE_MODIFIERS = _words(
    """new junior senior primary secondary backup night weekend first second responsible same platform payments
    database backend frontend infra infrastructure security networking mobile on-call oncall other lone offshore
    remote release incident support product web data ops qa sre dba"""
)
DETERMINERS = _words("the our a an that this one their his her your some any")

# Names of systems, so a capitalised word that is a system is never read as a person.
SYSTEM_NAMES = _words(
    """kafka redis postgres postgresql mysql mongo mongodb kubernetes k8s terraform jenkins nginx envoy istio
    consul vault elasticsearch opensearch cassandra rabbitmq celery sidekiq airflow spark hadoop zookeeper
    etcd docker helm argo argocd github gitlab bitbucket slack pagerduty opsgenie datadog grafana prometheus
    sentry cloudflare aws gcp azure s3 ec2 lambda rds dynamodb bigquery snowflake stripe twilio okta
    linux windows macos android ios chrome safari firefox java python node go ruby rust php dns cdn api
    cron systemd ansible puppet chef nomad traefik haproxy memcached clickhouse kibana logstash fluentd
    renovate dependabot copilot zuora braintree adyen spinnaker looker tableau okta auth0 keycloak
    ci cd qa sso ldap vpn jira confluence opsgenie victorops statuspage heroku vercel netlify fastly akamai"""
)

# --- what a predicate does --------------------------------------------------------------------

# Verbs that do harm or fail when a person is their subject.
HARM_VERBS = _words(
    """break wipe nuke delete drop corrupt crash destroy expose leak ruin trash overwrite cause botch
    fumble fat-finger fatfinger bungle blunder goof neglect ignore skip overlook miss forget rubber-stamp
    rubberstamp erase misconfigure mistype sabotage truncate abandon disregard"""
)
# Verbs that need a particle or object to do harm: "take down", "mess up", "knock over".
PARTICLE_HARM = {
    "take": _words("down offline out"),
    "bring": _words("down"),
    "knock": _words("over out down offline"),
    "mess": _words("up"),
    "screw": _words("up"),
    "blow": _words("up away"),
    "wipe": _words("out"),
    "push": _words("untested credentials secrets secret keys key password passwords tokens token"),
    "let": _words("expire lapse slip rot fill overflow die back pile build grow"),
    "lock": _words("out"),
    "leave": _words(
        """running open enabled unattended unlocked broken half-done unfinished exposed public unprotected unpatched
        paused disabled stopped suspended muted silenced"""
    ),
    "drop": _words("ball"),
    "sleep": _words("through"),
    "fall": _words("asleep"),
}
# "drop" is harm except as "drop off/out/by/in" (left the call, stopped by).
NOT_HARM_PARTICLES = {"drop": _words("off out by in into"), "miss": _words("out")}
# Duties whose omission frames a person as the one who failed ("didn't test", "never checks").
DUTY_VERBS = _words(
    """check test read follow review verify notice look ask wait escalate update tell communicate bother think
    consider run validate confirm catch double-check monitor respond acknowledge ack answer watch listen care
    lock renew document warn inform notify coordinate announce heed backup back roll page stop pause cancel
    revert"""
)
# What people know, hold or feel: facts about the situation, not failures.
STATE_VERBS = _words(
    """know have be see hear expect mean intend need own realise realize understand think imagine learn find
    work join use believe assume feel get receive"""
)
# Finding, repairing and helping: what responders do; it names nobody as the cause.
CREDIT_VERBS = _words(
    """fix revert replace identify report flag patch spot notice trace isolate debug investigate diagnose roll
    catch detect discover locate repair restart drain quarantine document describe explain show share point
    highlight confirm help save rescue join page lead own volunteer write file find recover restore mitigate
    resolve escalate coordinate alert warn suggest propose raise build design"""
)
# Adverbs and phrases that turn an ordinary act into a person's slip.
CARELESS_ADVERBS = _words("accidentally mistakenly carelessly wrongly recklessly blindly negligently sloppily lazily")
BAD_OBJECT_ADJECTIVES = _words("wrong incorrect bad broken buggy faulty untested unreviewed")
WITHOUT_GERUNDS = _words(
    """read check test look review ask tell verify think warn understand run approve confirm consult
    approval review permission sign-off signoff testing"""
)
# Evaluations of a person as the cause: "X is the reason", "the root of it is X".
CAUSE_NOUNS = _words("reason cause culprit root source problem fault trigger")
# Words that judge a person's character.
JUDGEMENT_ADJECTIVES = _words(
    """careless sloppy negligent lazy incompetent reckless clueless stupid irresponsible useless inept dumb
    idiotic hopeless unprofessional thoughtless inattentive"""
)
JUDGEMENT_NOUNS = _words("idiot incompetence negligence carelessness laziness sloppiness recklessness stupidity")
REPEAT_MARKERS = _words("again always habitually repeatedly constantly usual habit")
MODALS = _words("should ought could must would might need")
# Sanctions: consequences for a person instead of a change to the system.
SANCTION_WORDS = _words(
    """disciplinary discipline reprimand reprimanded punish punishment sack sacked fire fired dismiss pip
    demote demotion"""
)
SANCTION_HOLD_WORDS = _words("responsible accountable liable")
# Attention, knowledge or standing: what an appeal to people changes.
ATTENTION_VERBS = _words(
    """remind train retrain educate re-educate coach brief talk speak discuss warn tell ask encourage insist
    stress emphasise emphasize reiterate reinforce focus concentrate exercise pay watch double-check doublecheck
    adhere comply apologise apologize slow memorise memorize remember mentor lecture urge instruct caution
    re-train refresh teach communicate instil instill explain walk acknowledge announce read follow check
    verify consult re-read rehearse practise practice"""
)
ATTENTION_NOUNS = _words(
    """adherence communication reminder reminders training trainings awareness campaign memo email e-mail newsletter announcement
    lunch-and-learn refresher session sessions meeting meetings talk talks caution attention vigilance care
    focus briefing workshop course apology warning discipline diligence culture mindset retro retrospective
    onboarding importance lesson lessons learnings presentation webinar seminar class reading feedback
    expectations guidance brown-bag brownbag demo town-hall all-hands"""
)
# Taking part in a lesson: "complete the secure-coding course", "attend a refresher session".
TAKING_PART = _words("complete attend finish join take retake redo sit")
LESSONS = _words(
    """training trainings course courses session sessions workshop workshops refresher class classes module
    modules certification e-learning elearning webinar seminar briefing onboarding bootcamp"""
)
CARE_WORDS = _words(
    """careful carefully cautious cautiously vigilant vigilantly attentive attentively closely thoroughly
    diligent diligently mindful mindfully conscientious conscientiously properly harder"""
)
# Artefacts a real fix changes: code, tests, alerts, tools, pipelines, configuration, runbooks, ownership.
ARTEFACT_NOUNS = _words(
    """test tests ci pipeline check lint linter alert alarm page pager dashboard monitor monitoring metric
    metrics slo sli probe canary flag toggle config configuration setting default timeout limit quota
    script tool tooling cli command ui form button dialog prompt guard guardrail gate hook webhook bot job
    cron runbook playbook doc docs documentation wiki readme diagram catalogue catalog owner ownership
    rotation schedule policy permission role access iam acl allowlist denylist firewall rule vault secret
    secrets token key certificate backup restore replica index schema migration code function endpoint
    api client library dependency version image dockerfile terraform helm chart module service queue
    breaker retry backoff jitter cache shard partition validation validator constraint trigger log logging
    trace tracing synthetic status template field label calendar freeze lock mutex workflow automation"""
)
# What is trained by a machine, not taught to people: "retrain the fraud model" changes an artefact.
TRAINED_MACHINES = _words(
    """model models classifier classifiers detector detectors filter filters ranker rankers predictor predictors
    network networks embedding embeddings tokenizer tokeniser"""
)
_TOPIC_PREPOSITIONS = _words("on in for about with to using after before every when")


def trains_a_machine(lows: list[str], verb: int) -> bool:
    """Whether what the training verb at ``verb`` trains is a machine ("retrain the fraud model weekly"),
    read from its object up to the first preposition ("train the new hires on the pipeline" trains people)."""
    obj = []
    for low in lows[verb + 1 : verb + 6]:
        if low in _TOPIC_PREPOSITIONS or not low[:1].isalnum():
            break
        obj.append(low)
    return any(low in TRAINED_MACHINES or low in ARTEFACT_NOUNS for low in obj) and not any(
        low in PEOPLE_GROUPS or low in ROLE_NOUNS for low in obj
    )


ENFORCING_WORDS = _words(
    """block blocks blocking prevent prevents refuse refuses reject rejects fail fails enforce enforces
    automatically automated automate automation require requires required bot alert alerts page pages
    gate gates lint ci pipeline cron script"""
)
# Obligation words that turn a sentence about people into a demand on their attention.
OBLIGATION_WORDS = _words("must should need needs have has ought always never")
PEOPLE_GROUPS = _words(
    """everyone everybody people engineers developers devs team teams staff folks reviewers operators on-call
    oncall responders contractors admins dbas sres colleagues all anyone nobody"""
)

# Given names from many languages, so that "Svetlana pushed straight to main" reads as a person
# even when the directory does not know her. Names that are ordinary words need their capitals.
FIRST_NAMES = _words(
    """sam maya priya jonas otto lena ravi aiko alex sasha jo aaron abdul abigail adam adebayo adrian ahmed aisha akira alan alberto alejandro aleksandr alex alexander
    alexandra alexei ali alice alicia alina alan amanda amara amelia amir amit amy ana anastasia anders andre
    andrea andreas andrew andrei andres andy angela angelo anika anil anita anja ann anna anne annika anton
    antonio anya arjun arne aroha arthur arturo ashley astrid aurora ava ayesha ayumi babak barbara bart
    beatriz bella ben benjamin bernard beth bianca bilal bjorn björn bogdan boris brandon brian bruno camila
    carl carla carlos carmen carol caroline catherine cem chen chidi chloe chris christian christina
    christopher chioma claire clara colin connor cristina dan daniel daniela danielle dario darius david
    deepa deepak denis dennis derek diana diego dimitri dmitri dmitry dominik donna dylan ebony eduardo
    elena eli elias elif elijah elisa eliza ella ellen emeka emil emily emma enrique eric erik erika esra
    ethan eva evelyn fabian fatima felipe felix fernando filip fiona francesca francisco franz freya
    gabriel gabriela gareth gavin george gerhard giovanni giulia greta gustavo hamza hana hannah hans
    harry hassan heidi helen helena henrik henry hiroshi hugo ian ibrahim ifeoma igor ines ingrid irene
    isaac isabel isabella ivan jacob jakub jamal james jan jana jane janet jasmine jason javier jen
    jennifer jens jeremy jessica ji-woo jiho jin joanna joao joe johan johanna john jonathan jorge jose
    josef joseph joshua juan julia julian julie justin kai kamal karen karim karin karl kate katie kavya
    keith ken kenji kevin khalid kim kiran klaus kofi kwame lakshmi lara lars laura lauren leila leo leon
    leonardo liam lin linda lisa liu lorenzo louis lucas lucia luis luka lukas mahmoud malik manuel marco
    marcus maria mariana marie marina mario marta martin mary mateo mathias matt matteo matthew maxim
    mehmet mei mia michael michelle miguel mikael mike milan min mira miriam mohamed mohammed monica
    morgan muhammad nadia naomi natalia natasha nathan neha nicolas nicole nikhil nikita niko nikos nina
    noah nora oleg olga oliver olivia omar oscar pablo paolo patrick paul paula pavel pedro peter petra
    philip pierre pooja rachel rafael rahul raj rajesh ramon rana raphael rebecca renata ricardo richard
    rita roberto robert rohan roman rosa ruth ryan sabine sakura salma samir samuel sandra sanjay santiago
    sara sarah sasha sebastian sergei sergio seun shira simon sofia sonia sophie stefan stefano stephanie
    steve steven sunil susan sven svetlana taro tariq thabo theo thiago thomas tobias tomas tomás tomasz
    tunde valentina vanessa vera victor viktor vikram vincent wei wen xavier xin yara yasmin yosef yuki
    yusuf yuto zainab zara zeynep zoe zoltan nikolaj nikolai tarik tariq mateus mateo ximena oksana svenja
    thaddeus evangelina lorcan bogumil bogumił ifeoma quirijn yannick jurgita radomir dobromir anneliese
    benedikt marisol rutger tancredi halvorsen achterberg wilhelmina kazuo oyelaran bastiaan siobhan niamh
    aoife ciaran oisin saoirse eoin declan bronwyn dafydd rhys gwen ffion emrys ilse wiebke jelle sjoerd
    femke maarten joost pieter sanne anouk lieke bram thijs koen eero aino onni veeti ilmari tuuli kaisa
    mirjam jarek wojciech agnieszka malgorzata grzegorz zofia stanislaw dorota kasia marek tereza jiri
    vaclav lenka ondrej zuzana radek bojan dragan milica jelena nemanja vuk ana-maria ioana andrei mihai
    bogdan cosmin florin adriana nkechi chinedu obinna ngozi amaka yaw ama kojo akosua efua kwabena themba
    sipho lindiwe thandiwe zanele bongani ayodele folake olumide kemi tolu babatunde sade yewande nnamdi
    haruto sota riku hina yui mio takumi daichi kaito ren yuna minjun seojun jiwoo haeun seoyeon doyun
    arjun aditya ishaan ananya diya saanvi vihaan anika rohit priyanka sneha kunal farhan ayaan zoya
    inaya kabir meera tanvi ravindra suresh lakshman venkat ramesh"""
)

# Verbs that only do harm to something of value: "deleted the production bucket", not "deleted the stale branch".
VALUE_SENSITIVE_VERBS = _words("delete drop remove truncate")
VALUABLE_OBJECTS = _words(
    """production prod customer customers table tables database databases db bucket record records data index
    backup backups volume cluster session sessions order orders user users ledger account accounts invoice
    invoices payment payments live primary master main everything replica replicas secret secrets key keys
    state events history"""
)
# Lapses told with their circumstance ("missed the page while driving") are an account, not blame.
LAPSE_VERBS = _words("miss skip ignore overlook")
CIRCUMSTANCE_WORDS = _words("while because as since when")

# --- evaluations and hindsight, whoever the subject (``judgements``) ---------------------------

# Words that judge a person's care or character wherever they stand.
JUDGEMENT_WORDS = _words(
    """careless carelessly carelessness negligent negligently negligence sloppy sloppily sloppiness incompetent
    incompetently incompetence lazy laziness reckless recklessly recklessness stupid stupidly stupidity idiot
    idiots idiotic foolish foolishly foolishness blunder blunders blundered boneheaded bone-headed inexcusable
    unforgivable irresponsible irresponsibly clueless amateur amateurs amateurish inattentive inattentiveness
    naive naively naivety naïve culprit culprits dumb fat-finger fat-fingered fat-fingering fat-fingers
    fatfinger fatfingered unprofessional unprofessionally thoughtless thoughtlessly inept ineptly ineptitude"""
)
# The same words in their technical sense: "sloppy quorum", "lazy loading", "dumb pipe", "fault tolerance".
TECHNICAL_SENSES = {
    "sloppy": _words("quorum quorums"),
    "lazy": _words(
        """load loading loaded loader evaluation evaluated init initialisation initialization import imports
        importing query queries queryset iterator iteration eval seq sequence property properties attribute
        attributes field fields relation relations relationship fetch fetching mount mounting consumer"""
    ),
    "dumb": _words("pipe pipes terminal terminals client clients proxy proxies switch switches"),
    "naive": _words("bayes datetime datetimes timestamp timestamps time times"),
    "fault": _words(
        """tolerance tolerant domain domains injection isolation line lines detection detector handling handler
        zone zones model code codes"""
    ),
}
SLIP_NOUNS = _words("mistake mistakes error errors slip slips decision decisions bug bugs idea move oversight shortcut")
ERROR_AGENTS = _words("human operator user pilot")  # "human error", "operator's error"
SLIP_JUDGES = _words("silly rookie")  # "rookie mistake"
POOR_WORDS = _words("bad poor terrible questionable awful")  # "poor judgement", "bad decision"
VIRTUES = _words(
    "care attention diligence discipline competence common professionalism rigour rigor judgement judgment"
)
FAULT_OWNERS = _words("my your his her their its whose")
# Hindsight: what someone is said to have been able to foresee, and the subjects it is said of.
HINDSIGHT_VERBS = _words(
    """know notice see catch spot realise realize check test review ask wait read look double-check verify
    escalate roll page think anticipate expect predict foresee flag follow stop listen confirm validate
    communicate pick raise question avoid prevent do run use understand recognise recognize prepare plan"""
)
AVOIDABLE_VERBS = _words("avoid prevent catch notice spot see foresee predict")
FORESEE_VERBS = _words("see spot notice catch predict avoid prevent foresee know tell realise realize anticipate")
FAILED_DUTIES = _words(
    """notice see spot realise realize catch check read recognise recognize anticipate consider understand follow
    verify test review look pay act respond escalate communicate foresee ask"""
)
FORESEEN_STATES = _words("obvious clear careful aware apparent evident")
UNKNOWING_VERBS = _words("know realise realize understand hear see learn tell be")
MODALS_OF_HINDSIGHT = _words("should could would might")
HINDSIGHT_SUBJECTS = _words(
    """we they i you nobody anyone anybody everyone everybody someone somebody people engineers developers
    reviewers operators"""
)
ANYONE = _words("anyone anybody someone somebody everyone everybody")
WARNING_SIGNS = _words("sign signal warning symptom clue")
CLEARLY_JUDGES = _words(
    """should wrong visible broken not missed ignored failed showed indicated pointed signalled signaled warned told
    said there did had knew"""
)
# "was clearly labelled" describes how something is shown, not a failure.
CLEARLY_DESCRIBES = (
    "label", "mark", "document", "written", "explain", "communicat", "state", "name", "defin", "separat",
    "distinguish", "sign", "shown",
)  # fmt: skip
BARE_PARTICIPLES = _words("read put set hit cut let run come become quit shut spread cast split")
# Every word a judgement or a hindsight shape starts from: others are passed over at once.
JUDGEMENT_STARTS = (
    JUDGEMENT_WORDS
    | ERROR_AGENTS
    | SLIP_JUDGES
    | POOR_WORDS
    | WARNING_SIGNS
    | MODALS_OF_HINDSIGHT
    | ANYONE
    | _words(
        """drop asleep screw goof screw-up screwup goof-up screw-ups paying lack know knew no bother fault blame
        obviously clearly obvious plainly evidently plain for staring hindsight retrospect looking easy bound going
        predictable foreseeable flag miss ignore overlook fail simply just only all any before had if"""
    )
)
# Who a "why did …?" question can be put to, besides people named or described.
WHY_SUBJECTS = _words("you they nobody one anyone anybody someone somebody people")

# --- appeals to attention in running text (``appeals``) -----------------------------------------

ATTENTIVE_STATES = _words(
    "careful vigilant attentive diligent cautious mindful alert focused disciplined thorough rigorous"
)
# Who gets reminded, besides groups and roles: "remind folks to …", "remind new hires about …".
REMINDED = _words("hires hire folks colleagues members approvers authors interns")
# A system as the subject of the clause makes "careful", "double-check" a fact about the system.
SYSTEM_SUBJECTS = _words(
    """tool script pipeline ci check checks checklist alert alerts bot service system job linter test tests suite
    migration dashboard config monitor monitoring cli command deploy deployer scheduler proxy cache api library
    client server hook workflow action lint validator guard guardrail runbook code controller function handler
    worker queue app application"""
)
# The words an appeal to attention starts at (``appeals``); a state ("careful", "alert") is read after them.
APPEAL_STARTS = _words(
    """be being stay staying become becoming remain are is am were was get got 're 'm take pay retrain retrained
        retraining retrains re-train re-trained re-training re-educate re-educated re-educating re-education
        reeducate refresher more additional extra further try work do let this it think slow read review check
        test look watch follow proofread proof-read scan verify double-check double-checks double-checked
        double-checking doublecheck remind send post share have remember sure always ask asking tell telling
        instruct require expect encourage keep double sit"""
)

# What a change, once made, can do to the system: "pushed a config that locked the orders table".
HARM_OF_A_THING = _words(
    """lock block crash double-pay double-paid double-charge double-charged overload stall freeze hang corrupt wipe
    leak expose delete drop break take"""
)
# The state a failure leaves behind: "the numbers were stale thanks to …".
HARM_STATES = _words("stale broken down lost failed worse corrupt corrupted wrong late delayed missing gone crashed")
ENVIRONMENTS = _words("staging production prod sandbox testing dev development preprod pre-prod canary")

# Titles before a surname: "Mr. Halvorsen" is someone, and its full stop ends no sentence.
HONORIFICS = _words("mr mrs ms mx dr mister missus madam")
# What a change is said to have skipped when done "by X without …".
SKIPPED_SAFEGUARDS = _words(
    """approval approvals review reviews sign-off signoff testing test tests consent permission ticket backup
    canary peer"""
)
# Chat interjections before a question ("srsly who approved this").
CHAT_OPENERS = _words("srsly seriously lol ugh wait hm hmm um erm welp ngl tbh ok okay so")
# What a system does when it fails: "the API fell over", "checkout went down".
THING_FAILURES = _words("fall go crash break fail die stall hang freeze collapse tip")


# --- acts, repairs and failures the readings share -------------------------------------------

# Acts that repair or find a failure: "Priya reverted the change" is credit, not blame.
REPAIR_VERBS = _words(
    """fix revert replace identify report flag patch spot notice trace isolate debug investigate diagnose catch
    detect discover locate repair quarantine document describe explain show share point highlight find
    remove clean correct undo roll"""
)
# Failures only a person commits: "forgot", "fat-fingered", "rubber-stamped".
HUMAN_ONLY_FAILURES = _words(
    """forget neglect ignore overlook botch fumble fat-finger fatfinger bungle blunder goof rubber-stamp
    rubberstamp mistype misconfigure sabotage"""
)
# Acts only people do to a system: "pushed", "merged", "approved"; "they" needs one to be someone.
WHO_ACTS = _words(
    """push merge approve deploy break turn delete run cause touch change sign forget ship release commit
    write disable enable drop remove kill restart skip ignore miss let leave decide authorize authorise
    introduce configure mess screw approve okay ok green-light greenlight rubber-stamp"""
)
# What a person does to a system, named as a noun: "Ana's change", "whose deploy".
ACTION_NOUNS = _words(
    """change deploy deployment commit config configuration migration script command push merge patch pr
    rollout release edit update action decision query code refactor cleanup upgrade experiment import job
    typo hotfix fix call choice backfill restart rollback cutover"""
)
