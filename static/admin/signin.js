// Sign in with username + authenticator code through the same API the SPA uses.
(function () {
  const form = document.getElementById("signin-form");
  const error = document.getElementById("signin-error");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    const body = {
      identifier: document.getElementById("identifier").value.trim(),
      totp_code: document.getElementById("totp_code").value.trim(),
    };
    try {
      const response = await fetch("/api/auth/login-passwordless", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
      });
      const data = await response.json();
      if (response.ok && data.success) { window.location.reload(); return; }
      error.textContent = data.require_email_2fa
        ? "This account needs its email code: sign in from the app first."
        : (data.errors && data.errors[0]) || "Sign-in failed";
    } catch (e) {
      error.textContent = "Network error";
    }
  });
})();
