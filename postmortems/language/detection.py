"""Which language a text is in: the guide reads English, and says so rather than passing other languages as clean."""

# At most eight: simplemma keeps eight dictionaries in memory, and a ninth makes every check load them
# from disk again (seconds per text). A language not listed still reads as "not English": not checked.
_LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "pt", "pl")
_ENOUGH_WORDS = 6


def language_of(text: str) -> str:
    """ "en" when the guide can read ``text`` (or it is too short to tell), else the language it seems to be in."""
    import simplemma

    words = [word for word in text.split() if word.isalpha()]
    if len(words) < _ENOUGH_WORDS or simplemma.in_target_language(text[:2000], lang="en") >= 0.6:
        return "en"
    scores = dict(simplemma.langdetect(text[:2000], lang=_LANGUAGES))
    best = max(scores, key=scores.get)
    if best != "en" and scores[best] > scores.get("en", 0) + 0.1:
        return best
    return "en" if scores.get("en", 0) >= 0.3 else "unk"
