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

  function showStatus(box, state) {
    const badge = box.querySelector(".status-badge");
    badge.textContent = state.status;
    badge.dataset.status = state.status;
    badge.className = "badge status-badge text-bg-" + (COLORS[state.status] || "secondary");
    document.getElementById("rendering-box").classList.toggle("d-none", !state.in_flight);
    const err = document.getElementById("error-box");
    err.textContent = state.error_message || "";
    err.classList.toggle("d-none", !state.error_message);
    const timeline = document.getElementById("timeline");
    timeline.replaceChildren(...state.jobs.map((j) => {
      const li = document.createElement("li");
      li.className = "list-group-item";
      li.innerHTML = "<strong></strong>: <span class='job-status'></span><div class='small text-muted'></div>";
      li.querySelector("strong").textContent = "Attempt " + j.attempt;
      li.querySelector(".job-status").textContent = j.status;
      li.querySelector("div").textContent = "started " + j.started_at.slice(0, 19).replace("T", " ") +
        (j.completed_at ? ", ended " + j.completed_at.slice(0, 19).replace("T", " ") : "");
      return li;
    }));
    if (state.status === "completed" && state.video_url) {
      const player = document.getElementById("player");
      if (player.getAttribute("src") !== state.video_url) player.setAttribute("src", state.video_url);
      if (state.thumbnail_url) player.setAttribute("poster", state.thumbnail_url);
      document.getElementById("player-box").classList.remove("d-none");
    }
  }

  function poll(box) {
    const tick = () => fetch(box.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
      .then((state) => {
        showStatus(box, state);
        if (state.in_flight) setTimeout(tick, revideo.pollMs || 2000);
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

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("textarea[data-max-chars]").forEach(countChars);
    document.querySelectorAll("button[data-copy]").forEach(copyOnClick);
    const box = document.getElementById("video-status");
    if (box && box.dataset.inFlight === "true") poll(box);
    // the analytics page's figures come as a JSON data block: no inline script (CSP)
    const charts = document.getElementById("chart-data");
    if (charts) revideo.drawCharts(JSON.parse(charts.textContent));
  });
})();
