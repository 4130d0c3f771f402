// geoprover serve: the page's script (plain JavaScript, no library, nothing from the network).
//
// As the problem is typed, POST /api/figure draws it (or places the error on its token);
// Prove starts a proof (POST /api/prove) and follows its server-sent events; Cancel kills it.
// The page's address holds the problem (?name=...&seed=...&problem=...), so a link reopens it.
// Events for scripts that watch the page (the tests, bench/web_latency.py):
//   "gp:preview" {text, ok, ms}   a preview answered (ms: from the keystroke to the figure drawn)
//   "gp:proof"   {state, data}    a proof ended: done, failed or cancelled
(function () {
  "use strict";

  const $ = (id) => document.getElementById(id);
  const DEBOUNCE_MS = 60;
  const FIELDS = ["proposer", "timeout", "jobs", "beam_size", "depth", "candidates"];

  // this page's id: the server runs one proof per tab (a reload closes the old page's stream, which cancels it)
  const tab = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, "0")).join("");

  const state = {
    sets: [],
    previewSeq: 0,
    previewAbort: null,
    previewTimer: null,
    typedAt: 0,
    job: null,
    events: null,
  };

  // ------------------------------------------------------------------ helpers
  function emit(name, detail) {
    document.dispatchEvent(new CustomEvent(name, { detail: detail }));
  }

  async function postJSON(url, body, signal) {
    const res = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      signal: signal,
    });
    let data;
    try {
      data = await res.json();
    } catch (e) {
      data = { error: "the server answered " + res.status + " " + res.statusText };
    }
    if (!res.ok && !data.error) { data.error = "the server answered " + res.status; }
    return data;
  }

  function show(el, text) {
    el.textContent = text || "";
    el.hidden = !text;
  }

  function problemText() { return $("text").value; }
  function problemName() { return $("name").value.trim() || "problem"; }
  function seed() {
    const n = parseInt($("seed").value, 10);
    return Number.isFinite(n) && n >= 0 ? n : 0;
  }

  // ------------------------------------------------------------------ the address
  function shareURL() {
    const params = new URLSearchParams();
    params.set("name", problemName());
    if (seed()) { params.set("seed", String(seed())); }
    params.set("problem", problemText());
    return location.pathname + "?" + params.toString();
  }

  function updateAddress() {
    const url = shareURL();
    history.replaceState(null, "", url);
    $("share").href = url;
  }

  function readAddress() {
    const params = new URLSearchParams(location.search);
    if (params.has("problem")) { $("text").value = params.get("problem"); }
    if (params.has("name")) { $("name").value = params.get("name"); }
    if (params.has("seed")) { $("seed").value = params.get("seed"); }
  }

  // ------------------------------------------------------------------ the error mark
  function mark(text, start, end) {
    const hl = $("highlight");
    hl.textContent = "";
    if (start === null || start === undefined || end === null || end === undefined || end <= start) {
      hl.appendChild(document.createTextNode(text + "\n"));
      return;
    }
    hl.appendChild(document.createTextNode(text.slice(0, start)));
    const m = document.createElement("mark");
    m.textContent = text.slice(start, end);
    hl.appendChild(m);
    hl.appendChild(document.createTextNode(text.slice(end) + "\n"));
    syncScroll();
  }

  function syncScroll() {
    $("highlight").scrollTop = $("text").scrollTop;
  }

  // ------------------------------------------------------------------ the preview
  function schedulePreview() {
    state.typedAt = performance.now();
    updateAddress();
    mark(problemText(), null, null);
    clearTimeout(state.previewTimer);
    state.previewTimer = setTimeout(preview, DEBOUNCE_MS);
  }

  async function preview() {
    const text = problemText();
    const seq = ++state.previewSeq;
    const typedAt = state.typedAt;
    if (state.previewAbort) { state.previewAbort.abort(); }
    const abort = new AbortController();
    state.previewAbort = abort;
    let data;
    try {
      data = await postJSON("/api/figure", { text: text, name: problemName(), seed: seed() }, abort.signal);
    } catch (e) {
      if (e.name === "AbortError") { return; }
      data = { error: "cannot reach the server (" + e.message + ")" };
    }
    if (seq !== state.previewSeq) { return; }  // an answer to older text
    const fig = $("figure");
    let ok = false;
    if (typeof data.error === "string") {  // the request itself was refused
      show($("error"), data.error);
      show($("note"), "");
    } else if (!text.trim()) {
      show($("error"), "");
      show($("note"), "");
      fig.classList.remove("stale");
    } else {
      if (data.svg) {
        fig.innerHTML = data.svg;  // drawn by this server (matplotlib), never the user's markup
        fig.classList.remove("stale");
      } else {
        fig.classList.add("stale");
      }
      if (data.error) {
        show($("error"), data.error.message);
        mark(text, data.error.start, data.error.end);
        $("text").setAttribute("aria-invalid", "true");
      } else {
        show($("error"), "");
        $("text").removeAttribute("aria-invalid");
      }
      show($("note"), data.ok ? data.note : "");
      ok = !!data.ok;
    }
    fig.dataset.text = text;
    const ms = performance.now() - typedAt;
    fig.dataset.ms = ms.toFixed(1);
    emit("gp:preview", { text: text, ok: ok, ms: ms });
  }

  // ------------------------------------------------------------------ the examples
  async function loadExamples() {
    let data;
    try {
      const res = await fetch("/api/examples");
      data = await res.json();
    } catch (e) {
      return;
    }
    state.sets = data.sets || [];
    $("version").textContent = data.version ? "v" + data.version : "";
    const sel = $("set");
    for (const s of state.sets) {
      const opt = document.createElement("option");
      opt.value = s.name;
      opt.textContent = s.name + " (" + s.problems.length + ")";
      sel.appendChild(opt);
    }
    if (data.limits) {
      $("timeout").max = data.limits.timeout;
      $("jobs").max = data.limits.jobs;
      $("candidates").max = data.limits.candidates;
      $("beam_size").max = data.limits.beam_size;
      $("depth").max = data.limits.depth;
    }
    listExamples();
  }

  function listExamples() {
    const set = state.sets.find((s) => s.name === $("set").value);
    const list = $("example-list");
    list.textContent = "";
    if (!set) { return; }
    const filter = $("filter").value.trim().toLowerCase();
    for (const p of set.problems) {
      if (filter && !p.name.toLowerCase().includes(filter)) { continue; }
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = p.name;
      b.title = p.text;
      b.dataset.name = p.name;
      b.addEventListener("click", () => {
        $("name").value = p.name;
        $("text").value = p.text;
        schedulePreview();
        $("text").focus();
      });
      li.appendChild(b);
      list.appendChild(li);
    }
  }

  // ------------------------------------------------------------------ proving
  function options() {
    const body = { text: problemText(), name: problemName(), seed: seed(), tab: tab, search: $("search").checked };
    for (const f of FIELDS) {
      const el = $(f);
      body[f] = el.tagName === "SELECT" ? el.value : Number(el.value);
    }
    return body;
  }

  function setRunning(running) {
    $("cancel").disabled = !running;
    $("prove").textContent = running ? "Prove again" : "Prove";
  }

  function resetProgress() {
    $("stage").textContent = "starting";
    $("elapsed").textContent = "0.0 s";
    for (const id of ["p-depth", "p-best"]) { $(id).textContent = "–"; }
    $("p-best-aux").textContent = "";
    for (const id of ["p-tried", "p-queued", "p-skipped"]) { $(id).textContent = "0"; }
    $("bar").style.width = "0%";
    $("progress").classList.remove("ended");
  }

  const STAGES = { ddar: "DD+AR on the figure", search: "searching for auxiliary points", writing: "writing the proof" };

  async function prove() {
    stopEvents();
    show($("prove-error"), "");
    if (!problemText().trim()) {
      show($("prove-error"), "Write a problem first (or pick an example).");
      return;
    }
    let data;
    try {
      data = await postJSON("/api/prove", options());
    } catch (e) {
      data = { error: "cannot reach the server (" + e.message + ")" };
    }
    if (data.error) {
      show($("prove-error"), data.error);
      return;
    }
    state.job = data.job;
    resetProgress();
    $("progress").hidden = false;
    $("result").hidden = true;
    setRunning(true);
    const es = new EventSource("/api/jobs/" + encodeURIComponent(data.job) + "/events");
    state.events = es;
    es.addEventListener("stage", (ev) => {
      const d = JSON.parse(ev.data);
      $("stage").textContent = STAGES[d.stage] || d.stage;
    });
    es.addEventListener("tick", (ev) => {
      $("elapsed").textContent = JSON.parse(ev.data).elapsed.toFixed(1) + " s";
    });
    es.addEventListener("progress", (ev) => {
      const d = JSON.parse(ev.data);
      $("stage").textContent = STAGES.search;
      $("p-depth").textContent = d.depth;
      $("p-tried").textContent = d.tried;
      $("p-queued").textContent = d.queued;
      $("p-skipped").textContent = d.skipped;
      $("p-best").textContent = d.best.toFixed(2);
      $("p-best-aux").textContent = d.best_aux && d.best_aux.length ? "best state adds: " + d.best_aux.join("; ") : "";
      $("elapsed").textContent = d.elapsed.toFixed(1) + " s";
      const total = d.tried + d.queued;
      $("bar").style.width = (total ? (100 * d.tried / total) : 0).toFixed(1) + "%";
    });
    es.addEventListener("done", (ev) => finished("done", JSON.parse(ev.data)));
    es.addEventListener("failed", (ev) => finished("failed", JSON.parse(ev.data)));
    es.onerror = () => {
      if (state.events === es) {  // the stream broke before the end: the server stopped
        finished("failed", { message: "lost the connection to the server" });
      }
    };
    es.addEventListener("cancelled", (ev) => finished("cancelled", JSON.parse(ev.data)));
  }

  function stopEvents() {
    if (state.events) { state.events.close(); state.events = null; }
  }

  function finished(kind, data) {
    stopEvents();
    setRunning(false);
    $("progress").classList.add("ended");
    if (data.elapsed !== undefined) { $("elapsed").textContent = data.elapsed.toFixed(1) + " s"; }
    if (kind === "done") {
      $("stage").textContent = data.status === "solved" ? "proved" : "finished without a proof";
      if (data.tried) {  // the totals (the last progress update may have been skipped)
        $("p-tried").textContent = data.tried;
        $("p-skipped").textContent = data.skipped;
        $("p-queued").textContent = "0";
        $("bar").style.width = "100%";
      }
      showResult(data);
    } else if (kind === "cancelled") {
      $("stage").textContent = "cancelled";
    } else {
      $("stage").textContent = "stopped";
      show($("prove-error"), data.message);
    }
    state.job = null;
    emit("gp:proof", { state: kind, data: data });
  }

  const FAILURES = {
    unsolved: "No proof found",
    timeout: "Out of time: no proof within the budget",
    false: "Not a theorem",
    rejected: "The proof checker rejected the proof",
  };

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function summary(d) {
    if (d.status === "solved") {
      let s = "Proved";
      if (d.aux.length) {
        s += " with " + d.aux.length + " auxiliary construction" + (d.aux.length > 1 ? "s" : "") + " (" + d.aux.join("; ") + ")";
      } else {
        s += " by DD+AR";
      }
      s += " in " + d.seconds.toFixed(2) + " s: " + d.steps + " steps";
      if (d.tried) { s += ", " + plural(d.tried, "candidate") + " tried"; }
      if (d.conditions) { s += ", under " + d.conditions + " configuration hypothes" + (d.conditions > 1 ? "es" : "is"); }
      return s + ". Checked, and replayed in fresh figures.";
    }
    let s = (FAILURES[d.status] || d.status) + " (" + d.seconds.toFixed(1) + " s";
    if (d.tried) { s += ", " + plural(d.tried, "candidate") + " tried"; }
    return s + ").";
  }

  function showResult(d) {
    $("summary").textContent = summary(d);
    $("summary").className = "summary " + (d.status === "solved" ? "ok" : "fail");
    for (const fmt of ["text", "markdown", "html", "json"]) {
      $("dl-" + fmt).href = d.links[fmt] + "?download=1";
    }
    const frame = $("proof-frame");
    frame.onload = () => {
      try {
        const doc = frame.contentDocument;
        frame.style.height = (doc.documentElement.scrollHeight + 8) + "px";
      } catch (e) { /* not readable: keep the style sheet's height */ }
    };
    frame.src = d.links.html;
    $("result").hidden = false;
  }

  async function cancel() {
    const job = state.job;
    if (!job) { return; }
    $("cancel").disabled = true;
    $("stage").textContent = "cancelling";
    try {
      await postJSON("/api/jobs/" + encodeURIComponent(job) + "/cancel", {});
    } catch (e) { /* the stream says how it ended */ }
    if (state.job === job) { finished("cancelled", {}); }
  }

  // ------------------------------------------------------------------ wiring
  function init() {
    readAddress();
    $("text").addEventListener("input", schedulePreview);
    $("text").addEventListener("scroll", syncScroll);
    $("name").addEventListener("input", updateAddress);
    $("seed").addEventListener("input", schedulePreview);
    $("text").addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); prove(); }
    });
    $("prove").addEventListener("click", prove);
    $("cancel").addEventListener("click", cancel);
    $("set").addEventListener("change", listExamples);
    $("filter").addEventListener("input", listExamples);
    loadExamples();
    updateAddress();
    if (problemText().trim()) { schedulePreview(); }
    window.geoproverApp = { ready: true, tab: tab };
  }

  init();
})();
