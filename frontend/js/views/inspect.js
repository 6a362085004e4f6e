// The inspection form (Art. 11-13): the warehouse's first inspection (step inspect-initial)
// and QC's (inspect-qc). Every received unit of every line gets a result: the category's
// checklist, passed or failed, a grade A/B/C (QC only), defect tags and text, who caused it,
// photos and a note. "Split" gives a line a second result with its own quantity (2 units
// grade A, 1 unit grade C); confirm waits until each line's results add up to what came in.
import { useEffect, useRef, useState } from "preact/hooks";
import { act } from "../act.js";
import { graphql } from "../api.js";
import { answer } from "../feedback.js";
import { html } from "../html.js";
import { language, t } from "../i18n.js";
import { newKey } from "../outbox.js";
import { Photos, keepPhotos } from "../photos.js";
import { actionName } from "../router.js";
import { ScanField } from "./scan-field.js";
import { NoteField, Stepper, TaskScreen, bilingual, productName } from "./task.js";

const STAGES = { "inspect-initial": "INITIAL", "inspect-qc": "QC" };
const GRADES = ["A", "B", "C"];
const RESPONSIBILITIES = ["PRODUCT", "CUSTOMER", "COURIER", "UNKNOWN"];
const RECORD = `mutation Inspect($input: RecordInspectionInput!) { recordInspection(input: $input) {
  ticket { number status } replayed userErrors { code message field } } }`;
const LISTS_CACHE = "inspect-lists";

const question = (q) => (language() === "en" ? q.questionEn : q.questionZh);

// --- defect tags and each category's checklist: one request, remembered for offline use ---

const NO_LISTS = { tags: [], checklists: {} };

function cachedLists() {
  try { return JSON.parse(localStorage.getItem(LISTS_CACHE)) ?? NO_LISTS; } catch { return NO_LISTS; }
}

async function fetchLists(categories) {
  const declared = categories.map((_, i) => `$c${i}: String`).join(", ");
  const asked = categories.map((_, i) => `c${i}: checklists(categoryCode: $c${i}) { code questionZh questionEn }`).join(" ");
  const data = await graphql(`query InspectLists${declared ? `(${declared})` : ""} { defectTags { code nameZh nameEn } ${asked} }`,
    Object.fromEntries(categories.map((code, i) => [`c${i}`, code])));
  const old = cachedLists();
  const lists = { tags: data.defectTags, checklists: { ...old.checklists, ...Object.fromEntries(categories.map((code, i) => [code, data[`c${i}`]])) } };
  try { localStorage.setItem(LISTS_CACHE, JSON.stringify(lists)); } catch { /* storage full: fine */ }
  return lists;
}

// null while loading; { tags, checklists, missing } (missing: offline and never loaded here).
function useLists(categories) {
  const key = categories.join(" ");
  const [lists, setLists] = useState(() => {
    const saved = cachedLists();
    return categories.every((code) => saved.checklists[code]) ? saved : null;
  });
  useEffect(() => {
    let live = true;
    fetchLists(categories).then(
      (fresh) => live && setLists(fresh),
      () => live && setLists((old) => old ?? { ...cachedLists(), missing: true }),
    );
    return () => { live = false; };
  }, [key]);
  return lists;
}

// A wedge scanner types into whatever has the focus, and after a tap that is the tapped
// button, which the scan's closing Enter would press again. So printable keys typed outside
// a text field go to the scan field.
function useScanCapture() {
  useEffect(() => {
    const redirect = (event) => {
      const scan = document.getElementById("scan-input");
      if (!scan || event.key.length !== 1 || event.key === " " || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.target.closest?.("input, textarea, select")) return;
      event.preventDefault();
      scan.focus({ preventScroll: true });
      scan.value += event.key;
    };
    document.addEventListener("keydown", redirect, true);
    return () => document.removeEventListener("keydown", redirect, true);
  }, []);
}

// --- the form's state: per line, a list of results ---

let made = 0;
const newResult = (quantity) => ({
  id: ++made, quantity, passed: null, grade: null, answers: {}, tags: [], defectText: "",
  responsibility: "UNKNOWN", photos: [], note: "",
});

// The first thing still missing before the results can be sent, or "".
function missing(stage, lines, results) {
  for (const line of lines) {
    const counted = results[line.id].reduce((sum, r) => sum + r.quantity, 0);
    if (counted !== line.quantityReceived) return t("inspect.countOff", { sku: line.product.sku, counted, received: line.quantityReceived });
  }
  const all = lines.flatMap((line) => results[line.id]);
  if (all.some((r) => r.passed === null)) return t("inspect.needVerdict");
  if (stage === "QC" && all.some((r) => !r.grade)) return t("inspect.needGrade");
  if (all.some((r) => r.passed === false && !r.tags.length && !r.defectText.trim())) return t("inspect.needDefect");
  return "";
}

const toInput = (stage, lines, results) => lines.flatMap((line) => results[line.id].map((r) => ({
  lineId: line.id,
  quantity: r.quantity,
  passed: r.passed,
  grade: stage === "QC" ? r.grade : null,
  responsibility: r.responsibility,
  defectTags: r.tags,
  defectText: r.defectText.trim(),
  checklist: Object.entries(r.answers).map(([code, a]) => ({ code, ok: a.ok, note: a.note.trim() })),
  photos: r.photos.map((p) => p.sha256),
  note: r.note.trim(),
})));

// --- pieces of one result ---

function Toggle({ pressed, onClick, children, ...rest }) {
  return html`<button type="button" aria-pressed=${pressed} onClick=${onClick} ...${rest}>${children}</button>`;
}

function Labelled({ id, label, className = "choice", children }) {
  return html`<p class="group-label" id=${id}>${label}</p>
    <div class=${className} role="group" aria-labelledby=${id}>${children}</div>`;
}

function Checklist({ prefix, questions, answers, onAnswer }) {
  if (!questions.length) return null;
  const open = questions.filter((q) => !answers[q.code]);
  const allOk = () => open.forEach((q) => onAnswer(q.code, { ok: true, note: "" }));
  return html`
    <div class="checklist-head">
      <p class="group-label">${t("inspect.checklist")}</p>
      <button type="button" class="all-ok" disabled=${!open.length} onClick=${allOk}><span aria-hidden="true">✓ </span>${t("inspect.allOk")}</button>
    </div>
    <ul class="checklist">${questions.map((q) => {
      const given = answers[q.code];
      const id = `${prefix}-q-${q.code}`;
      const set = (ok) => onAnswer(q.code, given?.ok === ok ? null : { ok, note: given?.note ?? "" });
      return html`
        <li key=${q.code} data-code=${q.code}>
          <span id=${id}>${question(q)}</span>
          <span class="check-answers" role="group" aria-labelledby=${id}>
            <${Toggle} pressed=${given?.ok === true} onClick=${() => set(true)} data-answer="ok"><span aria-hidden="true">✓ </span>${t("inspect.ok")}<//>
            <${Toggle} pressed=${given?.ok === false} onClick=${() => set(false)} data-answer="not-ok"><span aria-hidden="true">✗ </span>${t("inspect.notOk")}<//>
          </span>
          ${given?.ok === false && html`
            <label class="check-note" for=${`${id}-note`}>${t("inspect.checkNote")}
              <input id=${`${id}-note`} value=${given.note} onInput=${(e) => onAnswer(q.code, { ok: false, note: e.target.value })} /></label>`}
        </li>`;
    })}</ul>`;
}

function Result({ prefix, stage, line, result, index, split, questions, tags, change, remove, onBusy }) {
  const set = (patch) => change((r) => ({ ...r, ...patch }));
  const verdict = (passed) => change((r) => ({ ...r, passed, grade: !passed && r.grade === "A" ? null : r.grade }));
  const grade = (g) => change((r) => ({ ...r, grade: r.grade === g ? null : g, passed: g === "A" ? true : r.passed }));
  const toggleTag = (code) => change((r) => ({ ...r, tags: r.tags.includes(code) ? r.tags.filter((c) => c !== code) : [...r.tags, code] }));
  const answerQuestion = (code, given) => change((r) => {
    const answers = { ...r.answers };
    if (given) answers[code] = given; else delete answers[code];
    return { ...r, answers };
  });
  return html`
    <div class="inspect-result" data-index=${index} data-passed=${result.passed === null ? "" : result.passed ? "1" : "0"}>
      ${split && html`
        <h3>${t("inspect.result", { n: index + 1 })}</h3>
        <${Stepper} id=${`${prefix}-qty`} label=${t("inspect.units")} value=${result.quantity} min=${1}
          max=${line.quantityReceived} onChange=${(quantity) => set({ quantity })} />`}
      <${Checklist} prefix=${prefix} questions=${questions} answers=${result.answers} onAnswer=${answerQuestion} />
      <${Labelled} id=${`${prefix}-verdict`} label=${t("inspect.verdict")}>
        <${Toggle} pressed=${result.passed === true} onClick=${() => verdict(true)} data-verdict="pass">${t("inspect.verdictPass")}<//>
        <${Toggle} pressed=${result.passed === false} onClick=${() => verdict(false)} data-verdict="fail">${t("inspect.verdictFail")}<//>
      <//>
      ${stage === "QC" && html`
        <${Labelled} id=${`${prefix}-grade`} label=${t("inspect.gradeHeading")}>
          ${GRADES.map((g) => html`<${Toggle} key=${g} pressed=${result.grade === g} onClick=${() => grade(g)}
            disabled=${g === "A" && result.passed === false} data-grade=${g}>${t(`inspect.grade${g}`)}<//>`)}
        <//>`}
      ${tags.length > 0 && html`
        <${Labelled} id=${`${prefix}-tags`} label=${t("inspect.defects")} className="chips">
          ${tags.map((tag) => html`<${Toggle} key=${tag.code} pressed=${result.tags.includes(tag.code)}
            onClick=${() => toggleTag(tag.code)} class="chip" data-tag=${tag.code}>${bilingual(tag)}<//>`)}
        <//>`}
      <label for=${`${prefix}-defect`}>${t("inspect.defectText")}
        <textarea id=${`${prefix}-defect`} rows="2" value=${result.defectText} onInput=${(e) => set({ defectText: e.target.value })}></textarea></label>
      <${Labelled} id=${`${prefix}-cause`} label=${t("inspect.responsibility")} className="choice pairs">
        ${RESPONSIBILITIES.map((who) => html`<${Toggle} key=${who} pressed=${result.responsibility === who}
          onClick=${() => set({ responsibility: who })} data-responsibility=${who}>${t(`responsibility.${who}`)}<//>`)}
      <//>
      <${Photos} id=${`${prefix}-photo`} photos=${result.photos} onBusy=${onBusy}
        onAdd=${(photo) => change((r) => ({ ...r, photos: [...r.photos, photo] }))}
        onRemove=${(sha) => change((r) => ({ ...r, photos: r.photos.filter((p) => p.sha256 !== sha) }))} />
      <${NoteField} id=${`${prefix}-note`} value=${result.note} onInput=${(note) => set({ note })} />
      ${split && html`<button type="button" class="wide remove-result" onClick=${remove}>${t("inspect.removeResult")}</button>`}
    </div>`;
}

// What the warehouse found, shown to QC above its own results.
function firstFindings(ticket, line, tags) {
  const names = Object.fromEntries(tags.map((tag) => [tag.code, bilingual(tag)]));
  return ticket.inspections
    .filter((i) => i.stage === "INITIAL" && String(i.lineId) === String(line.id))
    .map((i) => [`${i.quantity} × ${i.passed ? t("inspect.passed") : t("inspect.failed")}`, ...i.defectTags.map((c) => names[c] ?? c), i.defectText]
      .filter(Boolean).join(" "))
    .join(" · ");
}

function Line({ ticket, stage, line, results, inHand, questions, tags, setResults, onBusy }) {
  const blocks = results[line.id];
  const change = (id) => (update) => setResults((all) => ({ ...all, [line.id]: all[line.id].map((r) => (r.id === id ? update(r) : r)) }));
  const split = () => setResults((all) => {
    const own = all[line.id];
    const donor = own.reduce((best, r) => (r.quantity > (best?.quantity ?? 1) ? r : best), null);
    return { ...all, [line.id]: [...own.map((r) => (r === donor ? { ...r, quantity: r.quantity - 1 } : r)), newResult(1)] };
  });
  const remove = (id) => setResults((all) => {
    const gone = all[line.id].find((r) => r.id === id);
    const rest = all[line.id].filter((r) => r.id !== id);
    return { ...all, [line.id]: rest.map((r, i) => (i === 0 ? { ...r, quantity: r.quantity + gone.quantity } : r)) };
  });
  const found = stage === "QC" ? firstFindings(ticket, line, tags) : "";
  return html`
    <section class="card inspect-line" id=${`line-${line.id}`} data-line=${line.id} data-sku=${line.product.sku}
      data-in-hand=${inHand ? "1" : "0"} aria-current=${inHand ? "true" : undefined}>
      <h2>${productName(line.product)}</h2>
      <p class="muted"><span class="sku">${line.product.sku}</span> · ${t("inspect.received", { n: line.quantityReceived })}
        ${inHand && html` · <strong class="in-hand">${t("inspect.inHand")}</strong>`}</p>
      ${found && html`<p class="muted first-findings">${t("inspect.firstFindings", { found })}</p>`}
      ${blocks.map((result, index) => html`
        <${Result} key=${result.id} prefix=${`r${line.id}-${result.id}`} stage=${stage} line=${line} result=${result}
          index=${index} split=${blocks.length > 1} questions=${questions} tags=${tags}
          change=${change(result.id)} remove=${() => remove(result.id)} onBusy=${onBusy} />`)}
      ${blocks.length < line.quantityReceived && html`
        <button type="button" class="wide split" data-split=${line.id} onClick=${split}>${t("inspect.split")}</button>`}
    </section>`;
}

export default function Inspect({ ticket, step, done }) {
  const stage = STAGES[step];
  const lines = ticket.lines.filter((line) => line.quantityReceived > 0);
  const categories = [...new Set(lines.map((line) => line.product.category.code))];
  const lists = useLists(categories);
  const [results, setResults] = useState(() => Object.fromEntries(lines.map((line) => [line.id, [newResult(line.quantityReceived)]])));
  const [inHand, setInHand] = useState(null);
  const [preparing, setPreparing] = useState(0);
  const [sending, setSending] = useState(false);
  const [refused, setRefused] = useState("");
  const busy = useRef(false);
  useScanCapture();

  const onScan = (code) => {
    const line = ticket.lines.find((l) => l.product.barcodes.includes(code) || l.product.sku === code.toUpperCase());
    if (!line) {
      answer(false, t("inspect.notOnTicket", { code }));
    } else if (!line.quantityReceived) {
      answer(false, t("inspect.notReceived", { name: productName(line.product) }));
    } else {
      setInHand(line.id);
      answer(true, `${t("scan.ok")}\n${productName(line.product)}`);
      document.getElementById(`line-${line.id}`)?.scrollIntoView({ block: "start" });
    }
  };

  const open = ticket.myActions.includes(actionName(step));
  const gap = missing(stage, lines, results);
  const units = lines.reduce((sum, line) => sum + line.quantityReceived, 0);
  const stageName = t(`stage.${stage}`);

  const confirm = async () => {
    if (busy.current || gap) return;
    const idempotencyKey = newKey(`inspect-${stage.toLowerCase()}`);
    busy.current = true;
    setSending(true);
    setRefused("");
    let outcome;
    try {
      await keepPhotos(lines.flatMap((line) => results[line.id].flatMap((r) => r.photos)));
      outcome = await act({
        name: "recordInspection",
        query: RECORD,
        input: { idempotencyKey, ticketNumber: ticket.number, stage, results: toInput(stage, lines, results) },
        label: `${stageName} ${ticket.number}`,
        success: () => t("inspect.recorded", { stage: stageName, units }),
      });
    } catch {
      outcome = { error: t("photo.notKept") };
      answer(false, outcome.error);
    }
    busy.current = false;
    setSending(false);
    if (outcome.ok || outcome.queued) done();
    else setRefused(outcome.error);
  };

  return html`
    <${TaskScreen} id="inspect" title=${stageName}>
      <${ScanField} onScan=${onScan} />
      <p class="muted inspect-ticket"><span class="code">${ticket.number}</span> · ${ticket.customerName || "–"}
        ${ticket.reason && html` · ${bilingual(ticket.reason)}`}</p>
      ${!open && html`<p class="error" role="alert">${t("inspect.notNow", { status: t(`status.${ticket.status}`) })}</p>`}
      ${open && !lists && html`<p class="loading">${t("app.loading")}</p>`}
      ${open && lists && html`
        <div id="inspect-form" data-stage=${stage}>
          ${lists.missing && html`<p class="stale">${t("inspect.listsMissing")}</p>`}
          ${lines.map((line) => html`
            <${Line} key=${line.id} ticket=${ticket} stage=${stage} line=${line} results=${results} inHand=${inHand === line.id}
              questions=${lists.checklists[line.product.category.code] ?? []} tags=${lists.tags}
              setResults=${setResults} onBusy=${(on) => setPreparing((n) => n + (on ? 1 : -1))} />`)}
          <div class="inspect-footer">
            <p id="inspect-status" class=${refused ? "error" : gap ? "muted" : "ready"} role="status">${refused || gap || t("inspect.ready", { units })}</p>
            <button id="inspect-confirm" type="button" class="primary wide" disabled=${Boolean(gap) || sending || preparing > 0}
              onClick=${confirm}>${t("inspect.confirm", { stage: stageName })}</button>
          </div>
        </div>`}
    <//>`;
}
