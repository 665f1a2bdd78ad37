// The live review meeting: follow the facilitator, see what others add, step the agenda with keys.
//
// The page polls a tiny state endpoint with If-None-Match; while nothing changed the server
// answers 304 from one cache lookup. On a change the answer lists, per part of the page, the
// change number at which it last changed, and only the parts whose number moved are fetched.
(function () {
  "use strict";

  var POLL_MS = 1000;
  var root = document.querySelector("[data-meeting]");
  if (!root) return;

  var stateUrl = root.dataset.stateUrl;
  var liveUrl = root.dataset.liveUrl;
  var known = {};
  try { known = JSON.parse(root.dataset.state || "{}"); } catch (e) { known = {}; }
  var etag = known.seq !== undefined ? '"' + known.seq + '"' : null;
  var failures = 0;
  var refreshing = false;

  var indicator = root.querySelector("[data-live-indicator]");
  var indicatorText = root.querySelector("[data-live-text]");

  function setLive(ok) {
    if (!indicator) return;
    indicator.classList.toggle("is-live", ok);
    indicator.classList.toggle("is-offline", !ok);
    indicatorText.textContent = ok ? "Live" : "Reconnecting…";
  }

  // Unsent text is kept per field in this tab's session storage: across live refreshes, agenda
  // steps and reloads, until the form it belongs to is sent.
  var DRAFT_PREFIX = "meeting-draft:" + stateUrl + ":";
  var FIELDS = "textarea[id], input[type=text][id]";

  function storage() {
    try { return window.sessionStorage; } catch (e) { return null; }
  }

  function keepDraft(field) {
    var store = storage();
    if (!store || !field.id) return;
    if (field.value === field.defaultValue) { store.removeItem(DRAFT_PREFIX + field.id); return; }
    store.setItem(DRAFT_PREFIX + field.id, JSON.stringify({ value: field.value, base: field.defaultValue }));
  }

  function restoreDrafts(container) {
    var store = storage();
    if (!store || !container) return;
    container.querySelectorAll(FIELDS).forEach(function (field) {
      var raw = store.getItem(DRAFT_PREFIX + field.id);
      if (!raw) return;
      var draft;
      try { draft = JSON.parse(raw); } catch (e) { return; }
      // Only over the text the draft was started from: a newer saved text is never overwritten.
      if (field.defaultValue !== draft.base || field.value === draft.value) return;
      field.value = draft.value;
      field.classList.add("has-draft");
      field.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  function forgetDrafts(form) {
    var store = storage();
    if (!store || !form || !form.querySelectorAll) return;
    form.querySelectorAll(FIELDS).forEach(function (field) { store.removeItem(DRAFT_PREFIX + field.id); });
  }

  root.addEventListener("input", function (event) {
    var field = event.target;
    if (field && field.matches && field.matches(FIELDS) && field.form) keepDraft(field);
  });

  // Unsent text in a part of the page: that part is not replaced while it is there.
  function hasUnsentText(element) {
    if (!element) return false;
    if (element.querySelector("form[data-editing]")) return true;
    return Array.prototype.some.call(element.querySelectorAll(FIELDS), function (field) {
      return field.value !== field.defaultValue;
    });
  }

  var pending = 0;
  document.addEventListener("htmx:beforeRequest", function () { pending += 1; });
  document.addEventListener("htmx:afterRequest", function () { pending = Math.max(0, pending - 1); });
  // A form that was sent and accepted (before its answer replaces it) leaves no draft behind.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var form = (event.detail.requestConfig && event.detail.requestConfig.elt) || event.detail.elt;
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (form && form.tagName === "FORM" && status >= 200 && status < 300) forgetDrafts(form);
  });

  var followNotice = root.querySelector("[data-follow-notice]");
  function showFollowNotice(show) {
    if (followNotice) followNotice.hidden = !show;
  }
  if (followNotice) {
    followNotice.querySelector("button").addEventListener("click", function () {
      var area = document.getElementById("meeting-live");
      area.querySelectorAll(FIELDS).forEach(keepDraft);
      showFollowNotice(false);
      refreshing = true;
      refresh(area, liveUrl, true).finally(function () { refreshing = false; });
    });
  }

  function refresh(element, url, force) {
    if (!element || !window.htmx) return Promise.resolve();
    if (!force && hasUnsentText(element)) return Promise.resolve();
    return htmx.ajax("GET", url, { target: element, swap: "outerHTML" });
  }

  function formIsUnsent(form) {
    return form.hasAttribute("data-editing") || Array.prototype.some.call(form.querySelectorAll(FIELDS), function (field) {
      return field.value !== field.defaultValue;
    });
  }

  // Refresh a part around the forms someone is writing in: the new list arrives, and the very form
  // (its text, caret and focus) stays. Returns false when a form has no place in the new part.
  function refreshAroundForms(element, url) {
    var unsent = Array.prototype.filter.call(element.querySelectorAll("form"), formIsUnsent);
    return fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.text();
      })
      .then(function (html) {
        if (!document.contains(element)) return true;
        var template = document.createElement("template");
        template.innerHTML = html.trim();
        var fresh = template.content.firstElementChild;
        var pairs = unsent.map(function (form) {
          return [form, fresh.querySelector('form[action="' + form.getAttribute("action") + '"]')];
        });
        if (pairs.some(function (pair) { return !pair[1]; })) return false;
        var active = document.activeElement;
        var caret = active && "selectionStart" in active ? [active.selectionStart, active.selectionEnd] : null;
        pairs.forEach(function (pair) { pair[1].replaceWith(pair[0]); });
        element.replaceWith(fresh);
        htmx.process(fresh);
        if (active && fresh.contains(active)) {
          active.focus();
          if (caret) { try { active.setSelectionRange(caret[0], caret[1]); } catch (e) { /* not a text field */ } }
        }
        return true;
      });
  }

  function apply(state) {
    var parts = state.parts || {};
    var before = known.parts || {};
    var deferred = false;
    var jobs = [];
    var area = document.getElementById("meeting-live");
    if (parts.agenda !== before.agenda && hasUnsentText(area)) {
      // Someone is writing in the current section: their page stays until they send it or choose to follow.
      parts.agenda = before.agenda;
      deferred = true;
      showFollowNotice(true);
    } else if (parts.agenda !== before.agenda) {
      showFollowNotice(false);
      jobs.push(refresh(area, liveUrl));
    }
    if (parts.agenda === before.agenda) {
      Object.keys(parts).forEach(function (name) {
        if (name === "agenda" || parts[name] === before[name]) return;
        var element = root.querySelector('[data-live-part="' + name + '"]');
        if (!element) return;
        if (hasUnsentText(element)) {
          var part = name;
          var seen = before[name];
          jobs.push(refreshAroundForms(element, element.dataset.src).then(function (done) {
            // Not possible now: remember the part as unseen and ask again next time, without the ETag.
            if (!done) { known.parts[part] = seen; etag = null; }
          }));
          return;
        }
        jobs.push(refresh(element, element.dataset.src));
      });
    }
    known = state;
    if (deferred) etag = null;
    return Promise.all(jobs);
  }

  function poll() {
    if (document.hidden || refreshing || pending) { schedule(); return; }
    var headers = { "Accept": "application/json" };
    if (etag) headers["If-None-Match"] = etag;
    fetch(stateUrl, { headers: headers, cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 304) { failures = 0; setLive(true); return null; }
        if (!response.ok) throw new Error("status " + response.status);
        etag = response.headers.get("ETag");
        return response.json();
      })
      .then(function (state) {
        if (!state) return null;
        failures = 0;
        setLive(true);
        refreshing = true;
        return apply(state).finally(function () { refreshing = false; });
      })
      .catch(function () {
        failures += 1;
        setLive(false);
      })
      .finally(schedule);
  }

  var timerHandle = null;
  function schedule() {
    var delay = failures ? Math.min(POLL_MS * Math.pow(2, failures), 15000) : POLL_MS;
    window.setTimeout(poll, delay);
  }

  // The section timer, run by the facilitator on the server: the page counts on from the elapsed
  // time the server rendered, corrected by the difference between the server's clock and this one.
  function timerWords(elapsed, planned, running) {
    var minutes = Math.floor(elapsed / 60);
    var text = elapsed > planned * 60
      ? (minutes - planned) + " min over the " + planned + " planned"
      : (planned - minutes) + " min left of " + planned;
    return running ? text : "Paused · " + text;
  }

  function startTimer() {
    if (timerHandle) window.clearInterval(timerHandle);
    timerHandle = null;
    var timer = document.querySelector("[data-timer]");
    if (!timer) return;
    var elapsedAtRender = parseInt(timer.dataset.elapsed, 10) || 0;
    var planned = parseInt(timer.dataset.planned, 10) || 0;
    var running = timer.dataset.running === "true";
    var serverNow = parseInt(timer.dataset.serverNow, 10) || Date.now();
    var skew = Date.now() - serverNow;
    var clock = timer.querySelector("[data-timer-clock]");
    var words = timer.querySelector("[data-timer-words]");
    function tick() {
      var elapsed = elapsedAtRender;
      if (running) elapsed += Math.max(0, Math.floor((Date.now() - skew - serverNow) / 1000));
      var rest = elapsed % 60;
      clock.textContent = Math.floor(elapsed / 60) + ":" + (rest < 10 ? "0" : "") + rest;
      var said = timerWords(elapsed, planned, running);
      if (words.textContent !== said) words.textContent = said;
      timer.classList.toggle("is-over", elapsed > planned * 60);
    }
    tick();
    if (running) timerHandle = window.setInterval(tick, 1000);
  }

  // Keyboard: the facilitator steps the agenda with → / N and ← / P, outside text fields.
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    var step = null;
    if (event.key === "ArrowRight" || event.key === "n" || event.key === "N") step = "next";
    if (event.key === "ArrowLeft" || event.key === "p" || event.key === "P") step = "previous";
    if (!step) return;
    var button = document.querySelector('[data-agenda-step="' + step + '"]');
    if (!button || button.disabled) return;
    event.preventDefault();
    if (button.form.requestSubmit) button.form.requestSubmit(button); else button.click();
  });

  // The live area arrives with the change counters it was rendered at (after the facilitator's own
  // step, too): adopt them, so the next poll does not fetch again what is already on screen.
  document.addEventListener("htmx:afterSettle", function () {
    var area = document.getElementById("meeting-live");
    var state = null;
    try { state = JSON.parse((area && area.dataset.state) || "null"); } catch (e) { state = null; }
    if (state && state.seq !== undefined && (known.seq === undefined || state.seq >= known.seq)) {
      known = state;
      etag = '"' + state.seq + '"';
    }
    restoreDrafts(root);
    if (!hasUnsentText(area)) showFollowNotice(false);
    startTimer();
  });

  restoreDrafts(root);
  startTimer();
  schedule();
})();
