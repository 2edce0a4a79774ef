// Huifang service worker, one per front door. TEMPLATE: app/build/gen-sw.sh fills in the door,
// its base, the version and the file list at build time; the served /sw.js (the field app,
// scope /) and /console/sw.js (the console, scope /console/) are the generated copies in
// app/dist and app/dist/console. Each door precaches only itself: a tablet in the field never
// downloads the console, and a console's first load does not download the field app.
//
// One cache per door and version holds the complete door of that version, so an update never
// mixes old and new files: a new worker installs only when every file of its version is
// cached, waits until the page lets it take over (at a safe moment, never in the middle of a
// form), and then deletes its door's older caches. A first version activates as soon as it is
// installed and claims the open pages: there is nothing to mix with.
//
// The install reuses what the page has just downloaded. A fingerprinted file (`name-<hash>`)
// is its content, so it is taken from the browser's HTTP cache when it is there (the server
// marks these immutable); only unhashed files (index.html, icons, the manifest) are
// revalidated, and index.html must name exactly this version's files.

const DOOR = "__HUIFANG_DOOR__";
const BASE = "__HUIFANG_BASE__";
const VERSION = "__HUIFANG_VERSION__";
const CACHE = `huifang-${DOOR}-${VERSION}`;
const PRECACHE = [
__HUIFANG_PRECACHE__
];
const INDEX = `${BASE}index.html`;
// On a weak connection a navigation falls back to the cached shell instead of hanging.
const NAVIGATION_TIMEOUT_MS = 4000;
// Trunk's fingerprint: `name-<hex>.ext`, `name-<hex>_bg.wasm`.
const FINGERPRINTED = /-[0-9a-f]{12,}(_bg)?\.[a-z0-9]+$/;

function ok(response, url) {
  if (!response.ok) {
    throw new Error(`${url}: ${response.status}`);
  }
  return response;
}

// Whether an index.html is this version's: it names fingerprinted files (src= and href=,
// quoted or not), all of them in this version.
async function isThisVersion(response) {
  const html = await response.clone().text();
  const named = [...html.matchAll(/(?:src|href)=["']?([^"'\s>]+)/g)]
    .map((m) => m[1])
    .filter((path) => FINGERPRINTED.test(path));
  return named.length > 0 && named.every((path) => PRECACHE.includes(path));
}

async function precacheEntry(url) {
  if (FINGERPRINTED.test(url)) {
    // Default cache mode: the copy the page just downloaded, else the network.
    return ok(await fetch(url), url);
  }
  // A conditional request: 304 (no body sent) when the copy at hand is current.
  const response = ok(await fetch(url, { cache: "no-cache" }), url);
  if (url !== INDEX || (await isThisVersion(response))) {
    return response;
  }
  // The copy at hand belongs to another version: ask the server itself, once.
  const fresh = ok(await fetch(url, { cache: "reload" }), url);
  if (await isThisVersion(fresh)) {
    return fresh;
  }
  throw new Error(`${url} is not version ${VERSION}`);
}

// Like cache.addAll: every file is fetched before any is stored, and one failure fails the
// install, so the old version stays.
async function precache() {
  const responses = await Promise.all(PRECACHE.map(precacheEntry));
  const cache = await caches.open(CACHE);
  await Promise.all(PRECACHE.map((url, i) => cache.put(url, responses[i])));
}

self.addEventListener("install", (event) => {
  event.waitUntil(precache());
});

// This door's older versions. The field app's worker also drops the caches of the single
// worker that served both doors before (`huifang-<version>`, `huifang-console`).
function outdated(key) {
  if (key === CACHE) {
    return false;
  }
  if (DOOR === "field") {
    return key.startsWith("huifang-") && !key.startsWith("huifang-console-");
  }
  return key.startsWith(`huifang-${DOOR}-`);
}

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter(outdated).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

// Whether this version's cache holds every file of it.
async function complete() {
  const cache = await caches.open(CACHE);
  const held = new Set((await cache.keys()).map((request) => new URL(request.url).pathname));
  return PRECACHE.every((url) => held.has(url));
}

self.addEventListener("message", (event) => {
  if (event.data === "skipWaiting") {
    self.skipWaiting();
  } else if (event.data === "status" && event.source) {
    // The page asks whether it can work offline; the answer goes back to that page alone.
    event.waitUntil(
      complete()
        .catch(() => false)
        .then((ready) => event.source.postMessage({ type: "status", version: VERSION, ready }))
    );
  }
});

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then(
      (value) => { clearTimeout(timer); resolve(value); },
      (error) => { clearTimeout(timer); reject(error); }
    );
  });
}

async function navigate(request) {
  try {
    return await withTimeout(fetch(request), NAVIGATION_TIMEOUT_MS);
  } catch (error) {
    const cached = await caches.open(CACHE).then((cache) => cache.match(INDEX));
    if (cached) {
      return cached;
    }
    throw error;
  }
}

async function cacheFirst(request) {
  const cached = await caches.open(CACHE).then((cache) => cache.match(request));
  return cached || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  // The API is never cached: stale data would be worse than a clear "offline".
  if (url.origin !== self.location.origin || url.pathname.startsWith("/api/") || url.pathname === "/api") {
    return;
  }
  if (request.method !== "GET") {
    return;
  }
  // The console lies inside the field app's scope; its pages are the console worker's, or
  // the network's while the console has none yet.
  if (DOOR === "field" && (url.pathname === "/console" || url.pathname.startsWith("/console/"))) {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(navigate(request));
    return;
  }
  event.respondWith(cacheFirst(request));
});
