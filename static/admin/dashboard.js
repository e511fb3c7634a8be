// Dashboard actions call the admin API, then reload the page so every table
// and number shows the new state. Headline numbers refresh every 15 s.
(function () {
  const flash = document.getElementById("flash");

  async function api(method, path, body) {
    const response = await fetch(path, {
      method, credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok || !data.success) {
      throw new Error((data.errors && data.errors[0]) || `Request failed (${response.status})`);
    }
    return data;
  }

  async function run(work) {
    flash.className = "flash";
    try {
      const data = await work();
      if (data === null) return;
      sessionStorage.setItem("flash", data.message || "Done");
      window.location.reload();
    } catch (e) {
      flash.textContent = e.message;
      flash.className = "flash error";
    }
  }

  function reportBody(action) {
    if (action === "warn_user") {
      const message = window.prompt("Warning shown to the user:");
      return message ? { action, warning_message: message } : null;
    }
    if (action === "ban_user") {
      const days = window.prompt("Ban for how many days? (empty = permanent)", "7");
      if (days === null) return null;
      return days.trim() ? { action, ban_duration_days: parseInt(days, 10) } : { action };
    }
    return { action };
  }

  document.querySelectorAll(".report-row button[data-action]").forEach((button) => {
    button.addEventListener("click", () => run(async () => {
      const id = button.closest("tr").dataset.reportId;
      const body = reportBody(button.dataset.action);
      return body ? api("POST", `/api/admin/reports/${id}/action`, body) : null;
    }));
  });

  document.querySelectorAll(".ticket-row").forEach((row) => {
    const id = row.dataset.ticketId;
    row.querySelector(".ticket-status").addEventListener("change", (event) => run(
      () => api("PUT", `/api/admin/tickets/${id}`, { status: event.target.value })));
    row.querySelector(".ticket-reply").addEventListener("submit", (event) => {
      event.preventDefault();
      const text = event.target.elements.admin_response.value;
      run(() => api("PUT", `/api/admin/tickets/${id}`, { admin_response: text }));
    });
  });

  document.querySelectorAll("button.unban").forEach((button) => {
    button.addEventListener("click", () => run(() => api(
      "POST", `/api/admin/users/${button.closest("tr").dataset.userId}/unban`)));
  });

  const signout = document.getElementById("signout");
  if (signout) {
    signout.addEventListener("click", async () => {
      await fetch("/api/auth/logout", { method: "POST", credentials: "same-origin" });
      window.location.reload();
    });
  }

  function pick(object, path) {
    return path.split(".").reduce((value, key) => (value == null ? value : value[key]), object);
  }

  async function refreshNumbers() {
    try {
      const { data } = await api("GET", "/api/admin/stats");
      document.querySelectorAll("[data-stat]").forEach((node) => {
        const value = pick(data, node.dataset.stat);
        if (value !== undefined) node.textContent = value;
      });
    } catch (e) { /* keep the numbers shown; the next tick retries */ }
  }

  const saved = sessionStorage.getItem("flash");
  if (saved) {
    flash.textContent = saved;
    flash.className = "flash ok";
    sessionStorage.removeItem("flash");
  }
  setInterval(refreshNumbers, 15000);
})();
