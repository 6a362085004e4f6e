// A few promise helpers over IndexedDB: one database, two stores (the outbox of mutations
// waiting to be sent, and photos waiting to be uploaded). Small enough not to vendor a library.
const NAME = "warehouse-desk";
const VERSION = 1;
let opening = null;

export function database() {
  opening ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(NAME, VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains("outbox")) db.createObjectStore("outbox", { keyPath: "id", autoIncrement: true });
      if (!db.objectStoreNames.contains("photos")) db.createObjectStore("photos", { keyPath: "sha256" });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => { opening = null; reject(request.error); };
  });
  return opening;
}

const done = (request) => new Promise((resolve, reject) => {
  request.onsuccess = () => resolve(request.result);
  request.onerror = () => reject(request.error);
});

async function store(name, mode) {
  return (await database()).transaction(name, mode).objectStore(name);
}

export const all = async (name) => done((await store(name, "readonly")).getAll()); // in key order
export const get = async (name, key) => done((await store(name, "readonly")).get(key));
export const put = async (name, value) => done((await store(name, "readwrite")).put(value));
export const remove = async (name, key) => done((await store(name, "readwrite")).delete(key));
