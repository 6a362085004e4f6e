// One user action that changes something: run (or queue) the mutation, then answer with a
// tone, a vibration and a flash: green done, amber saved offline, red with the error named.
import { ApiError } from "./api.js";
import { answer, answerQueued } from "./feedback.js";
import { has, t } from "./i18n.js";
import { perform } from "./outbox.js";

// "Wrong step: …", "Over-received: …": the kind of problem first, then the server's words.
export function named(userError) {
  const key = `error.code.${userError.code}`;
  return has(key) ? `${t(key)}\n${userError.message}` : userError.message;
}

export const authLost = () => dispatchEvent(new Event("auth-lost"));

export function networkOrServer(error) {
  return error instanceof ApiError && error.kind === "network" ? t("error.network") : t("error.server", { message: error.message });
}

// `success(payload)` gives the green flash's message, `failure(userError)` may name a refusal
// better than the default. Answers { ok, payload } | { queued } | { error, userErrors }.
export async function act({ name, query, input, label, success, failure = named }) {
  try {
    const result = await perform(name, query, input, { label: label ?? t(`op.${name}`) });
    if (result.queued) {
      answerQueued(t("outbox.saved"));
      return { queued: true };
    }
    const { payload } = result;
    if (payload.userErrors?.length) {
      const message = failure(payload.userErrors[0]);
      answer(false, message);
      return { error: message, userErrors: payload.userErrors };
    }
    answer(true, success ? success(payload) : t("act.done"));
    return { ok: true, payload };
  } catch (error) {
    if (error instanceof ApiError && error.kind === "auth") { authLost(); return { error: error.message }; }
    const message = networkOrServer(error);
    answer(false, message);
    return { error: message };
  }
}
