/* The engineer's visit page: every step is first written to this phone (IndexedDB), then
   sent in order; what cannot be sent waits and goes when the connection returns. Each step
   carries an id made here, so a retry of a step the server already applied changes nothing.
   No code from elsewhere. */
(() => {
  const DB_NAME = "aftersales-visits";
  const STORE = "outbox";

  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        const store = request.result.createObjectStore(STORE, { keyPath: "id" });
        store.createIndex("visit", "visit");
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  function tx(db, mode, work) {
    return new Promise((resolve, reject) => {
      const transaction = db.transaction(STORE, mode);
      const result = work(transaction.objectStore(STORE));
      transaction.oncomplete = () => resolve(result && result.result !== undefined ? result.result : result);
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
  }

  const uuid = () =>
    (crypto.randomUUID ? crypto.randomUUID() : "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) =>
      (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16)));

  // What each step does to the visit's state while it waits to be sent.
  const NEXT = { depart: "en_route", arrive: "on_site", finish: "done" };

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  document.addEventListener("alpine:init", () => {
    window.Alpine.data("visitPage", (initial, config) => ({
      state: initial,
      queue: [],
      sending: false,
      online: navigator.onLine,
      note: "",
      share: false,
      signerName: "",
      finish: { result: "fixed", fault_found: "", work_done: "", minutes_spent: "", leftovers: "" },
      pads: {},
      photoUrls: {},
      lastError: "",
      db: null,

      async init() {
        this.db = await openDb();
        await this.load();
        window.addEventListener("online", () => { this.online = true; this.flush(); });
        window.addEventListener("offline", () => { this.online = false; });
        setInterval(() => this.flush(), 15000);
        // The signature boxes are hidden until the engineer is on site; a canvas measured
        // while hidden has no size, so each pad is set up when its box first shows.
        const observer = new ResizeObserver(() => this.setUpPads());
        for (const canvas of this.$root.querySelectorAll("canvas[data-role]")) observer.observe(canvas);
        this.flush();
      },

      async load() {
        const visit = this.state.id;
        const items = await tx(this.db, "readonly", (store) => store.index("visit").getAll(visit));
        items.sort((a, b) => a.order - b.order);
        this.queue = items;
        for (const item of items) {
          if (item.file && !this.photoUrls[item.id]) this.photoUrls[item.id] = URL.createObjectURL(item.file);
        }
      },

      // --- what the page shows: the server's state with the waiting steps applied ---------
      get status() {
        let status = this.state.status;
        for (const item of this.queue) if (NEXT[item.action] && item.state !== "failed") status = NEXT[item.action];
        return status;
      },
      get waiting() { return this.queue.filter((i) => i.state !== "failed").length; },
      get failed() { return this.queue.filter((i) => i.state === "failed"); },
      pendingOf(action) { return this.queue.filter((i) => i.action === action); },
      pendingTime(action) {
        const item = this.queue.find((i) => i.action === action && i.state !== "failed");
        return item ? item.recorded_at : null;
      },
      pendingSignature(role) {
        return this.queue.find((i) => i.action === "sign" && i.body.role === role && i.state !== "failed");
      },
      time(value) {
        if (!value) return "—";
        const d = new Date(value);
        const pad = (n) => String(n).padStart(2, "0");
        return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
      },

      // --- steps --------------------------------------------------------------------------
      async enqueue(action, body = {}, file = null) {
        const item = {
          id: uuid(),
          visit: this.state.id,
          order: Date.now() + Math.random(),
          action,
          url: config.urls[action],
          body,
          file,
          filename: file ? file.name || "photo.jpg" : null,
          recorded_at: new Date().toISOString(),
          state: "waiting",
        };
        await tx(this.db, "readwrite", (store) => store.put(item));
        if (file) this.photoUrls[item.id] = URL.createObjectURL(file);
        this.queue.push(item);
        this.flush();
        return item;
      },

      depart() { this.enqueue("depart"); },

      arrive() {
        if (this.share && navigator.geolocation) {
          navigator.geolocation.getCurrentPosition(
            (p) => this.enqueue("arrive", {
              latitude: p.coords.latitude.toFixed(6),
              longitude: p.coords.longitude.toFixed(6),
              accuracy_m: p.coords.accuracy,
            }),
            () => this.enqueue("arrive"),
            { enableHighAccuracy: true, timeout: 8000, maximumAge: 60000 },
          );
        } else {
          this.enqueue("arrive");
        }
      },

      addNote() {
        const body = this.note.trim();
        if (!body) return;
        this.enqueue("log", { body });
        this.note = "";
      },

      addPhotos(event) {
        for (const file of event.target.files) this.enqueue("photo", {}, file);
        event.target.value = "";
      },

      setUpPads() {
        if (!window.SignaturePad) return;
        for (const canvas of this.$root.querySelectorAll("canvas[data-role]")) {
          if (this.pads[canvas.dataset.role] || !canvas.offsetWidth) continue;
          const ratio = Math.max(window.devicePixelRatio || 1, 1);
          canvas.width = canvas.offsetWidth * ratio;
          canvas.height = canvas.offsetHeight * ratio;
          canvas.getContext("2d").scale(ratio, ratio);
          this.pads[canvas.dataset.role] = new window.SignaturePad(canvas, { minWidth: 1, maxWidth: 2.6 });
        }
      },
      clearPad(role) { if (this.pads[role]) this.pads[role].clear(); },
      sign(role) {
        const pad = this.pads[role];
        const name = role === "customer" ? this.signerName.trim() : config.engineerName;
        if (!pad || pad.isEmpty()) { this.lastError = config.text.signFirst; return; }
        if (!name) { this.lastError = config.text.nameFirst; return; }
        this.lastError = "";
        this.enqueue("sign", { role, name, image: pad.toDataURL("image/png") });
        pad.clear();
      },

      submitFinish() {
        const f = this.finish;
        if (!f.work_done.trim()) { this.lastError = config.text.workFirst; return; }
        this.lastError = "";
        this.enqueue("finish", {
          result: f.result,
          fault_found: f.fault_found,
          work_done: f.work_done,
          minutes_spent: f.minutes_spent === "" ? null : Number(f.minutes_spent),
          leftovers: f.leftovers.split("\n").map((s) => s.trim()).filter(Boolean),
        });
      },

      async discard(item) {
        await tx(this.db, "readwrite", (store) => store.delete(item.id));
        this.queue = this.queue.filter((i) => i.id !== item.id);
      },

      // --- sending, in order, until the connection fails ---------------------------------
      async flush() {
        if (this.sending || !this.db) return;
        this.sending = true;
        try {
          for (const item of [...this.queue]) {
            if (item.state === "failed") continue;
            const outcome = await this.send(item);
            if (outcome === "stop") break;
          }
        } finally {
          this.sending = false;
        }
      },

      async send(item) {
        const headers = { "X-CSRFToken": csrfToken(), Accept: "application/json" };
        const stamp = { client_id: item.id, recorded_at: item.recorded_at, sent_at: new Date().toISOString() };
        let body;
        if (item.file) {
          body = new FormData();
          for (const [key, value] of Object.entries(stamp)) body.append(key, value);
          body.append("file", item.file, item.filename);
        } else {
          headers["Content-Type"] = "application/json";
          body = JSON.stringify({ ...item.body, ...stamp });
        }
        let response;
        try {
          response = await fetch(item.url, { method: "POST", headers, body, credentials: "same-origin" });
        } catch (error) {
          this.online = false;
          return "stop"; // no connection: everything waits, in order
        }
        this.online = true;
        if (response.status >= 500 || response.status === 429 || response.status === 401) return "stop";
        let data = null;
        try { data = await response.json(); } catch (error) { data = null; }
        if (response.ok) {
          await tx(this.db, "readwrite", (store) => store.delete(item.id));
          this.queue = this.queue.filter((i) => i.id !== item.id);
          if (data && data.id) this.state = data;
          return "sent";
        }
        item.state = "failed";
        item.error = (data && data.detail) || response.statusText;
        const plain = { ...window.Alpine.raw(item) };
        await tx(this.db, "readwrite", (store) => store.put(plain));
        this.queue = [...this.queue];
        return "failed";
      },
    }));
  });
})();
