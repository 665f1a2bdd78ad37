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

  // Fields someone is typing into survive a refresh of the part around them.
  function keepTyped(container) {
    var kept = {};
    container.querySelectorAll("textarea[id], input[type=text][id], select[id]").forEach(function (field) {
      if (field.value) kept[field.id] = field.value;
    });
    return kept;
  }

  function restoreTyped(kept) {
    Object.keys(kept).forEach(function (id) {
      var field = document.getElementById(id);
      if (field && !field.value) field.value = kept[id];
    });
  }

  // A part with an open editor is not replaced under the writer's hands; it refreshes after.
  function isEditing(element) {
    return !!(element && element.querySelector("form[data-editing]"));
  }

  function refresh(element, url) {
    if (!element || !window.htmx) return Promise.resolve();
    if (isEditing(element)) return Promise.resolve();
    var kept = keepTyped(element);
    return htmx.ajax("GET", url, { target: element, swap: "outerHTML" }).then(function () {
      restoreTyped(kept);
      startTimer();
    });
  }

  function apply(state) {
    var parts = state.parts || {};
    var before = known.parts || {};
    var deferred = false;
    var jobs = [];
    var area = document.getElementById("meeting-live");
    if (parts.agenda !== before.agenda && isEditing(area)) {
      // Someone is writing in the current section: follow the facilitator once they save or cancel.
      parts.agenda = before.agenda;
      deferred = true;
    } else if (parts.agenda !== before.agenda) {
      jobs.push(refresh(area, liveUrl));
    } else {
      Object.keys(parts).forEach(function (name) {
        if (name === "agenda" || parts[name] === before[name]) return;
        var element = root.querySelector('[data-live-part="' + name + '"]');
        if (!element) return;
        if (isEditing(element)) {
          // Remember the part as unseen and ask again next time, without the ETag.
          parts[name] = before[name];
          deferred = true;
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
    if (document.hidden || refreshing) { schedule(); return; }
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

  // The section timer: time spent in the current section against its planned minutes.
  function startTimer() {
    if (timerHandle) window.clearInterval(timerHandle);
    var timer = document.querySelector("[data-timer]");
    if (!timer) return;
    var started = Date.parse(timer.dataset.started);
    var planned = parseInt(timer.dataset.minutes, 10) * 60;
    var text = timer.querySelector("[data-timer-text]");
    function tick() {
      var seconds = Math.max(0, Math.floor((Date.now() - started) / 1000));
      var minutes = Math.floor(seconds / 60);
      var rest = seconds % 60;
      text.textContent = minutes + ":" + (rest < 10 ? "0" : "") + rest + " of " + (planned / 60) + " min";
      timer.classList.toggle("is-over", seconds > planned);
    }
    tick();
    timerHandle = window.setInterval(tick, 1000);
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
    if (!area || !area.dataset.state) return;
    var state;
    try { state = JSON.parse(area.dataset.state); } catch (e) { return; }
    if (state.seq !== undefined && (known.seq === undefined || state.seq >= known.seq)) {
      known = state;
      etag = '"' + state.seq + '"';
    }
    startTimer();
  });

  startTimer();
  schedule();
})();
