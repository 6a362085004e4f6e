import { useState } from "preact/hooks";
import { ApiError, QUERIES, graphql, setToken } from "../api.js";
import { unlockAudio } from "../feedback.js";
import { html } from "../html.js";
import { t } from "../i18n.js";

export function Login({ onSignedIn }) {
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    unlockAudio(); // the tap that signs in also allows the scan tones
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError("");
    try {
      const data = await graphql(QUERIES.login, {
        input: { username: String(form.get("username")).trim(), password: String(form.get("password")) },
      });
      if (!data.login.token) { setError(t("login.failed")); return; }
      setToken(data.login.token);
      await onSignedIn();
    } catch (e) {
      setError(e instanceof ApiError && e.kind === "network" ? t("login.offline") : t("error.server", { message: e.message }));
    } finally {
      setBusy(false);
    }
  };
  return html`
    <form id="login" class="card" onSubmit=${submit} autocomplete="on">
      <h2>${t("login.heading")}</h2>
      <label>${t("login.username")}
        <input name="username" required autocomplete="username" autocapitalize="none" spellcheck="false" />
      </label>
      <label>${t("login.password")}
        <input name="password" type="password" required autocomplete="current-password" />
      </label>
      <button class="primary" type="submit" disabled=${busy}>${t("login.submit")}</button>
      <p id="login-error" class="error" role="alert">${error}</p>
    </form>`;
}
