// Huifang service worker. TEMPLATE: app/build/gen-sw.sh fills in the version and the file
// list at build time; the served /sw.js is the generated copy in app/dist.
//
// One cache per build version holds the complete app shell of that version, so an update
// never mixes old and new files: a new worker installs only when every file of its version
// is cached, waits until the user accepts the update, and then deletes the old caches.

const VERSION = "__HUIFANG_VERSION__";
const CACHE = `huifang-${VERSION}`;
const PRECACHE = [
__HUIFANG_PRECACHE__
];
const INDEX = "/index.html";
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
            .filter((key) => key.startsWith("huifang-") && key !== CACHE)
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
  if (request.mode === "navigate") {
    event.respondWith(navigate(request));
    return;
  }
  event.respondWith(cacheFirst(request));
});
