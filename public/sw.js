// Huifang service worker. TEMPLATE: app/build/gen-sw.sh fills in the version and the file
// list at build time; the served /sw.js is the generated copy in app/dist.
//
// One cache per build version holds the complete field app of that version, so an update
// never mixes old and new files: a new worker installs only when every file of its version
// is cached, waits until the user accepts the update, and then deletes the old caches.
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

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      // `reload` skips the HTTP cache, so a stale file can never enter a new version's cache.
      // addAll rejects if any file fails: the install fails and the old version stays.
      cache.addAll(PRECACHE.map((url) => new Request(url, { cache: "reload" })))
    )
  );
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

self.addEventListener("message", (event) => {
  if (event.data === "skipWaiting") {
    self.skipWaiting();
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
