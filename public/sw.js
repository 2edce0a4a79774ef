// Huifang service worker. TEMPLATE: app/build/gen-sw.sh fills in the version and the file
// list at build time; the served /sw.js is the generated copy in app/dist.
//
// One cache per build version holds the complete field app of that version, so an update
// never mixes old and new files: a new worker installs only when every file of its version
// is cached, waits until the page lets it take over (at a safe moment, never in the middle of
// a form), and then deletes the old caches.
//
// The install reuses what the page has just downloaded. A fingerprinted file (`name-<hash>`)
// is its content, so it is taken from the browser's HTTP cache when it is there (the server
// marks these immutable); only unhashed files (index.html, icons, the manifest) are
// revalidated, and index.html must name exactly this version's files.
//
// The console (/console/, supervisors and admins) is not precached: tablets in the field
// never download it. It caches itself the first time it loads under this worker, in a cache
// of its own that always holds one console: the files its latest index.html names.

const VERSION = "__HUIFANG_VERSION__";
const CACHE = `huifang-${VERSION}`;
const PRECACHE = [
__HUIFANG_PRECACHE__
];
const INDEX = "/index.html";
const CONSOLE_CACHE = "huifang-console";
const CONSOLE_PREFIX = "/console/";
const CONSOLE_INDEX = "/console/index.html";
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

// The fingerprinted files an HTML page names (src= and href=, quoted or not).
function namedFiles(html) {
  const named = [...html.matchAll(/(?:src|href)=["']?([^"'\s>]+)/g)].map((m) => m[1]);
  return named.filter((path) => FINGERPRINTED.test(path));
}

// Whether an index.html is this version's: it names files, all of them in this version.
async function isThisVersion(response) {
  const named = namedFiles(await response.clone().text());
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

// A first version activates as soon as it is installed and claims the open pages (nothing to
// mix with); a later one waits for the page's word ("skipWaiting").
self.addEventListener("install", (event) => {
  event.waitUntil(precache());
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys
            .filter((key) => key.startsWith("huifang-") && key !== CACHE && key !== CONSOLE_CACHE)
            .map((key) => caches.delete(key))
        )
      )
      .then(() => self.clients.claim())
  );
});

// Whether this version's cache holds every file of it.
async function fieldComplete() {
  const cache = await caches.open(CACHE);
  const held = new Set((await cache.keys()).map((request) => new URL(request.url).pathname));
  return PRECACHE.every((url) => held.has(url));
}

// Whether the console's cache holds its shell and every file it names. A console first loaded
// before this worker controlled it is cached now, from the copies the page downloaded.
async function consoleComplete() {
  const cache = await caches.open(CONSOLE_CACHE);
  let shell = await cache.match(CONSOLE_INDEX);
  if (!shell) {
    const response = ok(await fetch(CONSOLE_INDEX, { cache: "no-cache" }), CONSOLE_INDEX);
    await keepConsole(cache, response.clone());
    shell = response;
  }
  for (const path of namedFiles(await shell.text()).filter((p) => p.startsWith(CONSOLE_PREFIX))) {
    if (!(await cache.match(path))) {
      await cache.put(path, ok(await fetch(path), path));
    }
  }
  return true;
}

// The page asks whether it can work offline; the answer goes back to that page alone.
async function status(client) {
  const complete = isConsole(new URL(client.url)) ? consoleComplete : fieldComplete;
  return { type: "status", version: VERSION, ready: await complete().catch(() => false) };
}

self.addEventListener("message", (event) => {
  if (event.data === "skipWaiting") {
    self.skipWaiting();
  } else if (event.data === "status" && event.source) {
    event.waitUntil(status(event.source).then((answer) => event.source.postMessage(answer)));
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

function isConsole(url) {
  return url.pathname === "/console" || url.pathname.startsWith(CONSOLE_PREFIX);
}

// A console page from the network is kept as the console's shell (every console route is
// the same index.html), and the files an older shell named are dropped with it.
async function keepConsole(cache, response) {
  const html = await response.clone().text();
  const named = new Set([CONSOLE_INDEX, ...(html.match(/\/console\/[^"'\s)>]+/g) ?? [])]);
  for (const key of await cache.keys()) {
    if (!named.has(new URL(key.url).pathname)) {
      await cache.delete(key);
    }
  }
  await cache.put(CONSOLE_INDEX, response);
}

async function navigateConsole(request) {
  const cache = await caches.open(CONSOLE_CACHE);
  try {
    const response = await withTimeout(fetch(request), NAVIGATION_TIMEOUT_MS);
    const html = (response.headers.get("content-type") ?? "").startsWith("text/html");
    if (response.ok && html) {
      await keepConsole(cache, response.clone());
    }
    return response;
  } catch (error) {
    const cached = await cache.match(CONSOLE_INDEX);
    if (cached) {
      return cached;
    }
    throw error;
  }
}

// The console's files are fingerprinted, so a cached copy is always the right one.
async function consoleFile(request) {
  const cache = await caches.open(CONSOLE_CACHE);
  const cached = await cache.match(request);
  if (cached) {
    return cached;
  }
  const response = await fetch(request);
  if (response.ok) {
    await cache.put(request, response.clone());
  }
  return response;
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
  if (isConsole(url)) {
    event.respondWith(request.mode === "navigate" ? navigateConsole(request) : consoleFile(request));
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(navigate(request));
    return;
  }
  event.respondWith(cacheFirst(request));
});
