/* Small behaviours of the workspace pages (Alpine.js components). No code from elsewhere. */
document.addEventListener("alpine:init", () => {
  // The units come translated from the page (<html data-unit-day="天" …>).
  const units = document.documentElement.dataset;
  const label = (minutes) => {
    const sign = minutes < 0 ? "-" : "";
    const m = Math.abs(Math.round(minutes));
    const d = Math.floor(m / 1440), h = Math.floor((m % 1440) / 60), mm = m % 60;
    const day = units.unitDay || "d", hour = units.unitHour || "h", min = units.unitMinute || "m";
    return sign + (d ? d + day + " " : "") + (d || h ? h + hour + " " : "") + mm + min;
  };

  // A clock counting down minutes of working time, as the server last computed them.
  window.Alpine.data("countdown", (minutes, running) => ({
    minutes: minutes,
    get text() { return label(this.minutes); },
    get overdue() { return this.minutes < 0; },
    init() {
      if (running) setInterval(() => { this.minutes -= 1; }, 60000);
    },
  }));

  // Files dropped on the note box join its file input.
  window.Alpine.data("dropzone", () => ({
    over: false,
    names: [],
    drop(event) {
      this.over = false;
      const input = this.$refs.files;
      const transfer = new DataTransfer();
      for (const file of input.files) transfer.items.add(file);
      for (const file of event.dataTransfer.files) transfer.items.add(file);
      input.files = transfer.files;
      this.sync();
    },
    sync() { this.names = Array.from(this.$refs.files.files).map((f) => f.name); },
  }));
});
