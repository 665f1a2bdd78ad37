// The language guide while typing: fields marked data-language-check get notes beside them, and
// any note's "Use this wording" replaces the writer's sentence in the field with one click, and
// "Keep my wording" keeps theirs with a reason (stored with the review when the field is part of one).
(function () {
  "use strict";
  var DELAY = 500;
  var checkUrl = document.body.getAttribute("data-language-check-url");

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
    } catch (error) {
      return "";
    }
  }

  function postForm(url, body) {
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "fetch" },
    });
  }

  function notesFor(field) {
    var id = "notes-live-" + (field.id || field.name);
    var notes = document.getElementById(id);
    if (!notes) {
      notes = document.createElement("aside");
      notes.id = id;
      notes.className = "notes live-notes";
      notes.setAttribute("aria-live", "polite");
      notes.setAttribute("aria-label", "Language notes");
      field.insertAdjacentElement("afterend", notes);
      var described = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      described.push(id);
      field.setAttribute("aria-describedby", described.join(" "));
    }
    return notes;
  }

  function check(field) {
    var notes = notesFor(field);
    var body = new URLSearchParams();
    body.set("text", field.value);
    body.set("kind", field.getAttribute("data-language-check") || "text");
    var review = field.closest("[data-language-review]");
    if (review) body.set("review", review.getAttribute("data-language-review"));
    notes.setAttribute("aria-busy", "true");
    postForm(checkUrl, body)
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        if (field.value === body.get("text")) notes.innerHTML = html;
      })
      .catch(function () {
        notes.innerHTML = '<p class="help">The language guide could not be reached; your text is safe. It will try again as you type.</p>';
      })
      .finally(function () {
        notes.removeAttribute("aria-busy");
      });
  }

  // Text already in a field that asks for it (the transcript preview) is read once the page is shown.
  function checkShown(root) {
    if (!checkUrl) return;
    root.querySelectorAll("[data-language-check][data-check-now]").forEach(function (field, index) {
      // At most a few hundred rows are read ahead; the rest are read as soon as someone edits them.
      if (field.value.trim() && index < 300) setTimeout(function () { check(field); }, index * 50);
    });
  }
  checkShown(document);
  document.addEventListener("htmx:afterSwap", function (event) { checkShown(event.target); });

  var timers = new WeakMap();
  document.addEventListener("input", function (event) {
    var field = event.target;
    if (!checkUrl || !field.matches || !field.matches("[data-language-check]")) return;
    clearTimeout(timers.get(field));
    timers.set(field, setTimeout(function () { check(field); }, DELAY));
  });

  function fieldOf(button) {
    var notes = button.closest(".notes, [id^='notes-']");
    if (!notes) return null;
    return document.querySelector("[aria-describedby~='" + notes.id + "']");
  }

  document.addEventListener("click", function (event) {
    var use = event.target.closest ? event.target.closest("[data-rewrite]") : null;
    if (use) {
      var field = fieldOf(use);
      if (!field) return;
      var original = use.getAttribute("data-original");
      var at = original ? field.value.indexOf(original) : -1;
      if (at < 0) {
        use.insertAdjacentHTML("afterend", '<p class="help" role="status">That sentence has changed since; copy the wording above instead.</p>');
        return;
      }
      field.value = field.value.slice(0, at) + use.getAttribute("data-rewrite") + field.value.slice(at + original.length);
      field.focus();
      field.dispatchEvent(new Event("input", { bubbles: true }));
      field.dispatchEvent(new Event("change", { bubbles: true }));
      return;
    }
    var keep = event.target.closest ? event.target.closest("[data-keep]") : null;
    if (keep) {
      var note = keep.closest("[data-flag]");
      var reason = note.querySelector("[data-keep-reason]");
      if (!reason.value.trim()) {
        reason.setCustomValidity("Say why your wording is right here.");
        reason.reportValidity();
        return;
      }
      reason.setCustomValidity("");
      var keepUrl = keep.getAttribute("data-keep-url");
      if (!keepUrl) {
        note.innerHTML = '<p class="help" role="status">Kept your wording (' + reason.value.replace(/[<>&"]/g, "") + ').</p>';
        return;
      }
      // In a review the reason is stored: the publish check shows who kept the wording and why.
      var kept = new URLSearchParams();
      kept.set("rule", keep.getAttribute("data-rule"));
      kept.set("excerpt", keep.getAttribute("data-excerpt"));
      kept.set("reason", reason.value);
      keep.disabled = true;
      postForm(keepUrl, kept)
        .then(function (response) {
          if (!response.ok && response.status !== 422) throw new Error(response.status);
          return response.text().then(function (html) { return { ok: response.ok, html: html }; });
        })
        .then(function (answer) {
          if (answer.ok) note.innerHTML = answer.html;
          else keep.insertAdjacentHTML("afterend", answer.html);
        })
        .catch(function () {
          keep.insertAdjacentHTML("afterend", '<p class="help" role="alert">Your reason could not be saved; try again in a moment.</p>');
        })
        .finally(function () {
          keep.disabled = false;
        });
    }
  });
})();
