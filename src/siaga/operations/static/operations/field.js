// The field form: every report gets a client id on the phone and waits in a queue
// (localStorage) until the server has answered; a retry after a lost answer is stored once.
(function () {
  var form = document.getElementById("report-form");
  if (!form) return;
  var KEY = "siaga-queue", SENT = "siaga-sent";
  var countEl = document.getElementById("queue-count");
  var sentEl = document.getElementById("sent");
  var stateEl = document.getElementById("net-state");
  var endpoint = form.dataset.endpoint;
  function load(key) { try { return JSON.parse(localStorage.getItem(key) || "[]"); } catch (e) { return []; } }
  function save(key, value) { localStorage.setItem(key, JSON.stringify(value)); }
  function clientId() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function csrf() { var el = form.querySelector("[name=csrfmiddlewaretoken]"); return el ? el.value : ""; }
  function render() {
    var queue = load(KEY);
    countEl.textContent = String(queue.length);
    countEl.parentElement.dataset.count = String(queue.length);
    stateEl.textContent = navigator.onLine ? form.dataset.labelOnline : form.dataset.labelOffline;
    sentEl.textContent = "";
    load(SENT).slice(-10).reverse().forEach(function (item) {
      var li = document.createElement("li");
      li.className = item.error ? "error" : "ok";
      li.textContent = item.text;
      sentEl.appendChild(li);
    });
  }
  function remember(text, error) {
    var sent = load(SENT);
    sent.push({ text: text, error: !!error });
    save(SENT, sent.slice(-30));
  }
  var flushing = false;
  function flush() {
    if (flushing) return;
    var queue = load(KEY);
    if (!queue.length) { render(); return; }
    flushing = true;
    var item = queue[0];
    // A request that hangs on a dying signal must not block the queue: give up after 20 s.
    var abort = new AbortController();
    var timer = setTimeout(function () { abort.abort(); }, 20000);
    fetch(endpoint, {
      method: "POST", credentials: "same-origin", signal: abort.signal,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(item)
    }).then(function (r) {
      clearTimeout(timer);
      return r.json().catch(function () { return {}; }).then(function (body) { return { status: r.status, body: body }; });
    }).then(function (res) {
      var rest = load(KEY).filter(function (q) { return q.client_id !== item.client_id; });
      if (res.status === 200 || res.status === 201) {
        save(KEY, rest);
        remember(form.dataset.labelStored + ": TPS " + res.body.tps + " " + res.body.kind + (res.body.contest ? " " + res.body.contest : "") + (res.body.count !== null && res.body.count !== undefined ? " " + res.body.count : "") + (res.body.stored ? "" : " (" + form.dataset.labelAlready + ")"));
      } else if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
        save(KEY, rest);  // the server read it and refused it: retrying cannot help
        remember(form.dataset.labelRefused + ": " + (res.body.detail || res.status), true);
      } else {
        throw new Error("server " + res.status);
      }
      flushing = false;
      render();
      flush();
    }).catch(function () {
      clearTimeout(timer);
      flushing = false;  // no signal (or the server is down): keep the queue, try later
      render();
    });
  }
  // A photo is shrunk on the phone (longest side 1280 px, JPEG) before it waits in the queue.
  function shrink(file, done) {
    if (!file || !file.size) { done(""); return; }
    var reader = new FileReader();
    reader.onload = function () {
      var img = new Image();
      img.onload = function () {
        var scale = Math.min(1, 1280 / Math.max(img.width, img.height));
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(img.width * scale);
        canvas.height = Math.round(img.height * scale);
        canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
        done(canvas.toDataURL("image/jpeg", 0.7));
      };
      img.onerror = function () { done(""); };
      img.src = reader.result;
    };
    reader.readAsDataURL(file);
  }
  var position = null;
  if (navigator.geolocation) {
    navigator.geolocation.getCurrentPosition(function (p) { position = p.coords; }, function () {},
      { maximumAge: 600000, timeout: 10000 });
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var data = new FormData(form);
    var file = form.querySelector("[name=photo]") && form.querySelector("[name=photo]").files[0];
    shrink(data.get("kind") === "KEJADIAN" ? file : null, function (photo) { enqueue(data, photo); });
  });
  function enqueue(data, photo) {
    var report = { client_id: clientId(), election: form.dataset.election };
    ["tps", "kind", "contest", "time", "category", "severity", "text"].forEach(function (name) {
      report[name] = (data.get(name) || "").toString().trim();
    });
    var count = (data.get("count") || "").toString().trim();
    report.count = count === "" ? null : parseInt(count, 10);
    if (photo) report.photo = photo;
    if (position && report.kind === "KEJADIAN") {
      report.latitude = position.latitude;
      report.longitude = position.longitude;
    }
    var queue = load(KEY);
    queue.push(report);
    try {
      save(KEY, queue);
    } catch (e) {  // the phone's storage is full (photos): keep the report, drop its photo
      delete report.photo;
      save(KEY, queue);
    }
    form.querySelector("[name=count]").value = "";
    form.querySelector("[name=text]").value = "";
    if (form.querySelector("[name=photo]")) form.querySelector("[name=photo]").value = "";
    render();
    flush();
  }
  form.querySelector("[name=kind]").addEventListener("change", showFields);
  function showFields() {
    var kind = form.querySelector("[name=kind]").value;
    form.querySelectorAll("[data-for]").forEach(function (el) {
      el.hidden = el.dataset.for.split(" ").indexOf(kind) < 0;
    });
  }
  showFields();
  window.addEventListener("online", flush);
  window.addEventListener("offline", render);
  setInterval(flush, 15000);
  if ("serviceWorker" in navigator && form.dataset.worker) {
    navigator.serviceWorker.register(form.dataset.worker, { scope: form.dataset.scope }).catch(function () {});
  }
  render();
  flush();
})();
