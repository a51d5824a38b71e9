/* revideo's own few scripts: live character count, status polling, charts. */
(function () {
  "use strict";
  const revideo = (window.revideo = {});

  function countChars(area) {
    const max = parseInt(area.dataset.maxChars, 10);
    const out = document.querySelector(area.dataset.counter);
    const seconds = area.dataset.seconds ? document.querySelector(area.dataset.seconds) : null;
    const update = () => {
      out.textContent = area.value.length;
      out.classList.toggle("text-danger", area.value.length > max);
      if (seconds) {
        // a rough live estimate at 150 words a minute; the server's figure counts numbers in full
        const words = area.value.trim().split(/\s+/).filter(Boolean).length;
        seconds.textContent = Math.round(words * 0.4);
      }
    };
    area.addEventListener("input", update);
    update();
  }

  const COLORS = { draft: "secondary", pending: "info", processing: "warning", completed: "success", failed: "danger" };

  // the server renders the part of the page that changes (videos/_live.html): when the status
  // changes it is swapped in whole, so the live page shows what a fresh load would
  function showStatus(box, state) {
    const badge = box.querySelector(".status-badge");
    badge.textContent = state.status;
    badge.dataset.status = state.status;
    badge.className = "badge status-badge text-bg-" + (COLORS[state.status] || "secondary");
    const live = document.getElementById("video-live");
    const fresh = new DOMParser().parseFromString(state.html, "text/html").getElementById("video-live");
    if (live && fresh && live.dataset.version !== fresh.dataset.version) live.replaceWith(document.adoptNode(fresh));
    // a flash ("The render has started") belongs to the request that made it
    if (!state.in_flight) document.querySelectorAll(".flash").forEach((f) => f.remove());
  }

  function poll(box) {
    const tick = () => fetch(box.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
      .then((state) => {
        showStatus(box, state);
        if (!state.settled) setTimeout(tick, revideo.pollMs || 2000);
      })
      .catch(() => setTimeout(tick, 5000));
    setTimeout(tick, revideo.pollMs || 2000);
  }

  revideo.drawCharts = function (charts) {
    const config = { responsive: true, displaylogo: false };
    for (const [name, fig] of Object.entries(charts)) {
      const el = document.getElementById("chart-" + name.replace("_", "-"));
      if (el && window.Plotly) window.Plotly.newPlot(el, fig.data, fig.layout, config);
    }
  };

  // copy buttons (the rv-… reference to put in ad names): the text, then "Copied"
  function copyOnClick(button) {
    button.addEventListener("click", () => {
      const done = () => { button.textContent = "Copied"; setTimeout(() => { button.textContent = "Copy"; }, 1500); };
      if (navigator.clipboard) navigator.clipboard.writeText(button.dataset.copy).then(done, () => {});
    });
  }

  // the presenter step: choosing an avatar picks its matching voice, until a voice is chosen by hand
  function pairVoices(form) {
    let picked = false;
    form.querySelectorAll("input[name='voice_id']").forEach((r) => r.addEventListener("change", () => { picked = true; }));
    form.querySelectorAll("input[name='avatar_id']").forEach((r) => r.addEventListener("change", () => {
      const voice = form.querySelector(`input[name='voice_id'][value='${CSS.escape(r.dataset.defaultVoice || "")}']`);
      if (!picked && voice) voice.checked = true;
    }));
  }

  // the wizard's photos: upload as soon as chosen or dropped, with progress; the page's photo
  // grid and errors are then taken from the server's answer (the same page a reload shows)
  function uploadOnSelect(form) {
    const input = form.querySelector("#photos");
    const zone = form.querySelector("#drop-zone");
    const bar = form.querySelector("#upload-progress");
    const next = document.getElementById("next");
    form.querySelector("#upload").classList.add("d-none");
    const send = () => {
      if (!input.files.length) return;
      const data = new FormData(form);
      data.set("action", "upload");
      const xhr = new XMLHttpRequest();
      xhr.open("POST", form.getAttribute("action") || location.href);  // form.action: its buttons named "action"
      xhr.upload.addEventListener("progress", (e) => {
        if (!e.lengthComputable) return;
        const pct = Math.round((100 * e.loaded) / e.total);
        bar.setAttribute("aria-valuenow", pct);
        bar.firstElementChild.style.width = pct + "%";
      });
      xhr.addEventListener("loadend", () => {
        bar.classList.add("d-none");
        next.disabled = false;
        input.value = "";
        const page = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
        for (const id of ["wizard-photos", "photo-errors"]) {
          const fresh = page.getElementById(id);
          if (fresh) document.getElementById(id).replaceWith(document.adoptNode(fresh));
        }
        if (!xhr.responseText) document.getElementById("photo-errors").textContent = "The upload failed: try again.";
      });
      next.disabled = true;  // going on mid-upload would drop the photos
      bar.classList.remove("d-none");
      xhr.send(data);
    };
    input.addEventListener("change", send);
    zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("dragging"); });
    zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
    zone.addEventListener("drop", (e) => {
      e.preventDefault();
      zone.classList.remove("dragging");
      input.files = e.dataTransfer.files;
      send();
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const photoForm = document.getElementById("photo-form");
    if (photoForm) uploadOnSelect(photoForm);
    const presenter = document.getElementById("presenter-form");
    if (presenter) pairVoices(presenter);
    document.querySelectorAll("textarea[data-max-chars]").forEach(countChars);
    document.querySelectorAll("button[data-copy]").forEach(copyOnClick);
    const box = document.getElementById("video-status");
    if (box && box.dataset.inFlight === "true") poll(box);
    // the analytics page's figures come as a JSON data block: no inline script (CSP)
    const charts = document.getElementById("chart-data");
    if (charts) revideo.drawCharts(JSON.parse(charts.textContent));
  });
})();
