/*
 * Fake RingCentral Embeddable 2.3.1 (app.html) for tests. It follows /work/shared/docs/embeddable-protocol.md:
 * the same URL parameters (with the same quirks), the same login flow (PKCE verifier in memory only, state
 * never checked), the same messages, storage keys and platform requests. It is deliberately no more forgiving
 * than the real widget, so a host that works with it should work with the real one.
 *
 * Drop rules it enforces (each silent, as in the real widget; every drop is recorded in droppedCommands, and
 * with its reason in drops):
 *  - init (§4 "Commands arriving before the modules init are simply lost", pitfall 8): the modules init a
 *    moment after the page has loaded; every command or callbackUri that arrives before the first
 *    rc-login-status-notify is lost;
 *  - rc-adapter-new-call: only while signed in, with the dialer ready, and no call ringing or under way (§4,
 *    call.isIdle read strictly);
 *    rc-adapter-new-sms: only while signed in (§4);
 *  - rc-adapter-control-call (§4): no id means the ringing session for answer/reject/toVoicemail and the active
 *    one for hangup/hold/unhold/mute/unmute; an unknown id, or a session in the wrong state, is a no-op;
 *  - rc-adapter-set-presence (§4): only when the Presence module is ready (signed in, presence fetched), with
 *    known enum values, and the PUT only with the EditPresenceStatus feature; the result is a syncPresence;
 *  - rc-adapter-logout only when signed in, rc-adapter-login only when signed out (§4).
 *
 * Test hooks: window.__fakeWidget (read-only status), window.__fakeWidgetTest (what the platform and the
 * person do) and the element ids in app.html.
 */
(function () {
  'use strict';

  var VERSION = '2.3.1';
  var SDK_VERSION = '4.7.2';
  var DEMO_CLIENT_ID = 'fake-demo-client-id';  // the build's default id; tests register it on the platform
  var DEFAULT_SERVER = 'https://platform.ringcentral.com';
  var JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
  // The widget's own notifications come back to it at top level; like the real one it ignores them.
  var OUTGOING = ['rc-login-status-notify', 'rc-login-popup-notify', 'rc-dialer-status-notify',
    'rc-call-init-notify', 'rc-call-end-notify', 'rc-adapter-pushAdapterState', 'rc-call-ring-notify',
    'rc-call-start-notify', 'rc-call-hold-notify', 'rc-call-resume-notify', 'rc-call-mute-notify',
    'rc-active-call-notify', 'rc-adapter-syncPresence', 'rc-inbound-message-notify', 'rc-message-updated-notify',
    'rc-adapter-side-drawer-open-notify', 'rc-adapter-syncSize'];
  // The modules init asynchronously after the page has loaded (the real bundle takes a second or more); until
  // then commands are lost. initDelayMs is read by the fake only (tests that need a longer window).
  var INIT_DELAY_MS = 250;
  // Webphone session statuses (commons sessionStatus).
  var CONNECTING = 'webphone-session-connecting';
  var CONNECTED = 'webphone-session-connected';
  var ON_HOLD = 'webphone-session-onHold';
  var FINISHED = 'webphone-session-finished';
  // rc-adapter-control-call: without an id these act on ringSessionId, the others on activeSessionId (§4).
  var RING_ACTIONS = ['answer', 'reject', 'toVoicemail'];
  var ACTIVE_ACTIONS = ['hangup', 'hold', 'unhold', 'mute', 'unmute'];
  // rc-adapter-set-presence: the known enums (§4).
  var USER_STATUSES = ['Available', 'Busy', 'Offline'];
  var DND_STATUSES = ['TakeAllCalls', 'DoNotAcceptAnyCalls', 'DoNotAcceptDepartmentCalls', 'TakeDepartmentCallsOnly'];
  var PRESENCE_PATH = '/restapi/v1.0/account/~/extension/~/presence';

  // --- parameters (src/app.js, src/lib/parseUri.js) -----------------------------------------------------
  function mergedParams(href) {
    var url = new URL(href);
    var out = {};
    url.searchParams.forEach(function (value, key) { if (!(key in out)) out[key] = value; });
    new URLSearchParams(url.hash.replace(/^#/, '')).forEach(function (value, key) { out[key] = value; });
    return out;
  }

  function parseUri(href) {
    var out = mergedParams(href);
    if ('error' in out) {  // like parseUri: an error key throws, so the page stops here
      var error = new Error(out.error_description || out.error);
      error.code = out.error;
      throw error;
    }
    return out;
  }

  var params = parseUri(window.location.href);
  var clientId = params.clientId || params.appKey || DEMO_CLIENT_ID;
  var clientSecret = params.clientId ? (params.clientSecret || params.appSecret || '') : '';
  var appServer = DEFAULT_SERVER;
  if (params.appServer && params.appServer.indexOf('https://') === 0 && params.appServer.indexOf('?') < 0 &&
      params.appServer.indexOf('javascript') < 0) {
    appServer = params.appServer;  // anything else is silently replaced by production
  }
  // The authorize URL uses the resolved redirect; the token request uses the raw parameter when given.
  var authorizeRedirect = new URL(params.redirectUri || './redirect.html', window.location.href).href;
  var tokenRedirect = params.redirectUri || authorizeRedirect;
  var disableLoginPopup = !!params.disableLoginPopup;  // "0" and "false" turn it on too
  var prefix = params.prefix || 'rc-widget';
  var userAgent = (params.userAgent ? params.userAgent + ' ' : '') +
    'RingCentralEmbeddable/' + VERSION + ' RCJSSDK/' + SDK_VERSION;
  var usePKCE = !clientSecret;
  var tokenKey = 'sdk-' + prefix + 'platform';
  var pkceFlagKey = prefix + '-pkce-enabled';

  // src/lib/patchGetUserMedia.js dereferences navigator.mediaDevices at load: outside a secure context
  // this throws and the page stops, as the real one does.
  var originalGetUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);

  // --- state --------------------------------------------------------------------------------------------
  var phase = 'loading';  // 'loading' | 'login' | 'app'
  var loggedIn = false;
  var dialerReady = false;
  var dialerTimer = null;
  var commandsReady = false;  // commands that arrive before init (the first rc-login-status-notify) are lost
  var initDelay = /^[0-9]+$/.test(params.initDelayMs || '') ? Number(params.initDelayMs) : INIT_DELAY_MS;
  var notifiedLoggedIn;  // undefined until the first rc-login-status-notify (edge-triggered)
  var userLoggedOut = false;  // makes jwt auto-login stop, for this page load only
  var codeVerifier = null;  // PKCE verifier: in memory only, as platform._codeVerifier
  var extensionInfo = null;
  var accountInfo = null;
  var lastError = null;
  var lastOAuthUri = null;
  var dialedNumber = '';
  var exchanges = [];
  var receivedCommands = [];
  var droppedCommands = [];
  var drops = [];  // {type, reason, callAction, callId}: why each dropped command was dropped
  var features = [];  // the available extension features (from the features request at login)
  var loginGeneration = 0;  // bumped at every sign-in and sign-out, so a late answer cannot leak across
  var callbacksReceived = 0;
  var arrivedAt = {};  // epoch ms when each kind of message last arrived (the hand-off benchmark reads it)
  var calls = [];  // every webphone session of this page (ended ones keep endTime)
  var activeSessionId = null;  // webphone.activeSessionId
  var ringSessionId = null;  // webphone.ringSessionId
  var sessionCount = 0;
  var smsRequests = [];
  var presence = { ready: false, userStatus: null, dndStatus: null };
  var syncedPresence = { telephonyStatus: null, userStatus: null, dndStatus: null };  // last syncPresence sent
  var presenceRequests = [];  // the PUTs made for rc-adapter-set-presence
  var presenceTimer = null;
  var notifiedActiveCalls = {};  // presence activeCalls already announced: key -> telephonyStatus
  var messageCount = 0;

  function post(message) { window.parent.postMessage(message, '*'); }
  function $(id) { return document.getElementById(id); }
  function copy(value) { return JSON.parse(JSON.stringify(value)); }

  function drop(data, reason) {
    var type = typeof data.type === 'string' ? data.type : 'callbackUri';
    droppedCommands.push(type);
    drops.push({ type: type, reason: reason, callAction: data.callAction || null, callId: data.callId || null });
  }

  function showAlert(text) {
    var alert = $('alert');
    if (alert) { alert.textContent = text; alert.hidden = false; }
  }

  function render() {
    if (!document.body) return;
    $('loading').hidden = phase !== 'loading';
    $('login-page').hidden = phase !== 'login';
    $('dialpad').hidden = !loggedIn;
    $('sign-in').disabled = phase !== 'login';
    $('dial-number').textContent = dialedNumber;
    var shown = activeCall() || findLive(ringSessionId);
    $('call-status').textContent = shown ? shown.callStatus : '';
    // oAuthCallback exists only while the login page shows (widgets OAuth.ts:147-163)
    if (phase === 'login') window.oAuthCallback = handleCallback;
    else delete window.oAuthCallback;
  }

  // --- storage (SDK cache: prefix sdk-<prefix>, id platform) -----------------------------------------------
  function readToken() {
    try { return JSON.parse(localStorage.getItem(tokenKey) || 'null'); } catch (error) { return null; }
  }

  function storeToken(json, verifier) {
    var now = Date.now();
    var blob = Object.assign({}, json, {
      expire_time: now + json.expires_in * 1000,
      refresh_token_expire_time: now + json.refresh_token_expires_in * 1000
    });
    if (verifier) blob.code_verifier = verifier;
    localStorage.setItem(tokenKey, JSON.stringify(blob));
  }

  function cleanCache() {  // every key starting with sdk-<prefix>, as the SDK's Cache.clean does
    var doomed = [];
    for (var i = 0; i < localStorage.length; i += 1) {
      var key = localStorage.key(i);
      if (key && key.indexOf('sdk-' + prefix) === 0) doomed.push(key);
    }
    doomed.forEach(function (key) { localStorage.removeItem(key); });
  }

  if (usePKCE) {  // src/modules/Phone/index.js:779-793
    if (!localStorage.getItem(pkceFlagKey)) {
      var old = readToken();
      if (old && !old.code_verifier) localStorage.removeItem(tokenKey);
      localStorage.setItem(pkceFlagKey, '1');
    }
  } else {
    localStorage.removeItem(pkceFlagKey);
  }

  // --- platform requests (SDK: credentialed CORS fetches, X-User-Agent on every one) --------------------
  function encodePairs(pairs) {
    return pairs.map(function (p) { return encodeURIComponent(p[0]) + '=' + encodeURIComponent(p[1]); }).join('&');
  }

  function platformFetch(path, method, headers, body) {
    var all = Object.assign({ 'Accept': 'application/json', 'X-User-Agent': userAgent }, headers);
    return fetch(appServer + path, { method: method, headers: all, body: body, credentials: 'include',
      mode: 'cors', cache: 'no-store' });
  }

  function clientAuth(pairs, headers) {  // secret: HTTP Basic; no secret: client_id in the body
    if (clientSecret) headers.Authorization = 'Basic ' + btoa(clientId + ':' + clientSecret);
    else pairs.push(['client_id', clientId]);
  }

  async function tokenRequest(pairs) {
    var headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
    clientAuth(pairs, headers);
    var grantType = pairs[0][1];
    var record = { grantType: grantType, ok: false, status: 0, error: null };
    exchanges.push(record);
    try {
      var response = await platformFetch('/restapi/oauth/token', 'POST', headers, encodePairs(pairs));
      var json = await response.json().catch(function () { return {}; });
      record.status = response.status;
      if (!response.ok) {
        record.error = json.error || ('http ' + response.status);
        lastError = record.error;
        return null;
      }
      record.ok = true;
      return json;
    } catch (error) {  // network failure or CSP block
      record.error = 'network: ' + error.message;
      lastError = record.error;
      return null;
    }
  }

  async function refresh() {  // serialized across tabs by the Web Lock token_refresh (not prefixed)
    var run = async function () {
      var token = readToken();
      // A refused or impossible refresh ends the session; a network failure does not (status 0).
      var refused = function (message, status) {
        return Object.assign(new Error(message), { status: status, refreshFailed: true });
      };
      if (!token || !token.refresh_token) throw refused('Refresh token is missing', 401);
      if (token.refresh_token_expire_time < Date.now()) throw refused('Refresh token has expired', 401);
      var json = await tokenRequest([['grant_type', 'refresh_token'], ['refresh_token', token.refresh_token],
        ['access_token_ttl', String(token.expires_in)], ['refresh_token_ttl', String(token.refresh_token_expires_in)]]);
      if (!json) throw refused('refresh failed: ' + lastError, exchanges[exchanges.length - 1].status);
      storeToken(json, token.code_verifier);
    };
    return navigator.locks ? navigator.locks.request('token_refresh', run) : run();
  }

  async function apiRequest(method, path, body) {
    for (var attempt = 0; attempt < 2; attempt += 1) {
      var token = readToken();
      if (!token) throw Object.assign(new Error('logged out'), { status: 401 });
      if (token.expire_time - 60000 < Date.now()) { await refresh(); token = readToken(); }
      var headers = { 'Authorization': 'Bearer ' + token.access_token, 'Client-Id': clientId };
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      var response = await platformFetch(path, method, headers, body === undefined ? undefined : JSON.stringify(body));
      if (response.ok) return response.json();
      if (response.status !== 401 || attempt === 1) {
        throw Object.assign(new Error(path + ': ' + response.status), { status: response.status });
      }
      await refresh();  // once after a 401, like the SDK
    }
    throw new Error('unreachable');
  }

  function apiGet(path) { return apiRequest('GET', path); }

  // --- login status -------------------------------------------------------------------------------------
  function notifyLoginStatus(isFreshLogin) {
    if (notifiedLoggedIn === loggedIn) return;
    notifiedLoggedIn = loggedIn;
    commandsReady = true;
    if (!loggedIn) { post({ type: 'rc-login-status-notify', loggedIn: false }); return; }
    post({
      type: 'rc-login-status-notify', loggedIn: true,
      loginNumber: accountInfo.mainNumber + '*' + extensionInfo.extensionNumber,
      contractedCountryCode: accountInfo.serviceInfo.contractedCountry.isoCode,
      admin: !!(extensionInfo.permissions && extensionInfo.permissions.admin &&
        extensionInfo.permissions.admin.enabled),
      features: { sms: true, meeting: false, glip: false, smartNote: false, call: true, ringSenseInsights: false },
      isFreshLogin: !!isFreshLogin
    });
  }

  var rang = false;
  function setDialerReady(ready) {
    clearTimeout(dialerTimer);
    dialerReady = ready;
    post({ type: 'rc-dialer-status-notify', ready: ready });
    if (ready && params.ringWhenReady && !rang) {  // tests only (not a widget parameter): a call comes in
      rang = true;
      setTimeout(function () { window.__fakeWidgetTest.incomingCall(params.ringWhenReady, 'E2E Caller'); }, 200);
    }
  }

  function showLogin() {
    loggedIn = false;
    phase = 'login';
    render();
    notifyLoginStatus(false);
  }

  // Gating: features (ReadExtensionInfo + ReadCompanyInfo), extension info, account info.
  async function finishLogin(isFresh) {
    phase = 'loading';
    render();
    try {
      var answer = await apiGet('/restapi/v1.0/account/~/extension/~/features');
      var available = (answer.records || []).filter(function (f) { return f.available; })
        .map(function (f) { return f.id; });
      features = available;
      if (available.indexOf('ReadExtensionInfo') < 0 || available.indexOf('ReadCompanyInfo') < 0) {
        lastError = 'missing features';
        await logout(false, true);
        return 'logged-out';
      }
      extensionInfo = await apiGet('/restapi/v1.0/account/~/extension/~');
      accountInfo = await apiGet('/restapi/v1.0/account/~');
    } catch (error) {
      lastError = error.message;
      if (error.refreshFailed && error.status) { await logout(false, false); return 'logged-out'; }
      if (error.status === 401 || error.status === 403) { await logout(false, true); return 'logged-out'; }
      return 'error';  // the real data fetchers keep retrying; the widget never reports loggedIn
    }
    loggedIn = true;
    loginGeneration += 1;
    phase = 'app';
    $('alert').hidden = true;
    render();
    notifyLoginStatus(isFresh);
    if (!dialerReady) {  // the webphone registers a moment after login
      dialerTimer = setTimeout(function () { if (loggedIn) setDialerReady(true); }, 300);
    }
    loadPresence(loginGeneration);  // not gating
    return 'ok';
  }

  async function logout(byUser, revoke) {
    var token = readToken();
    clearTimeout(dialerTimer);
    if (byUser) userLoggedOut = true;
    // The webphone disconnects before the logout: its sessions end.
    liveCalls().forEach(function (call) { endCall(call); });
    if (revoke && token && token.access_token) {
      var pairs = [['token', token.access_token]];
      var headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
      clientAuth(pairs, headers);
      try { await platformFetch('/restapi/oauth/revoke', 'POST', headers, encodePairs(pairs)); } catch (e) { /* */ }
    }
    cleanCache();  // even if the revoke failed (commons Auth onLogoutError)
    extensionInfo = accountInfo = null;
    features = [];
    loginGeneration += 1;
    presence = { ready: false, userStatus: null, dndStatus: null };
    showLogin();
    setDialerReady(false);
    pushPresence();  // the presence resets: a syncPresence with nulls if one with values was sent
  }

  // --- sign in ------------------------------------------------------------------------------------------
  function base64url(bytes) {
    return btoa(String.fromCharCode.apply(null, Array.from(bytes)))
      .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  async function buildOAuthUri() {
    var pairs = [['response_type', 'code'], ['redirect_uri', authorizeRedirect], ['client_id', clientId],
      ['state', btoa(String(Date.now())) + '-undefined-' + encodeURIComponent(btoa(crypto.randomUUID()))],
      ['brand_id', ''], ['display', 'page'], ['prompt', ''], ['ui_options', 'hide_remember_me'],
      ['ui_options', 'hide_tos'], ['ui_locales', ''], ['localeId', 'en-US']];
    if (usePKCE) {  // a new verifier every time: only the latest oAuthUri's code can be exchanged
      var verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
      codeVerifier = verifier;
      var digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
      pairs.push(['code_challenge', base64url(new Uint8Array(digest))], ['code_challenge_method', 'S256']);
    }
    lastOAuthUri = appServer + '/restapi/oauth/authorize?' + encodePairs(pairs);
    return lastOAuthUri;
  }

  async function openOAuthPage() {
    if (disableLoginPopup) {  // no oAuthReady check in this mode
      post({ type: 'rc-login-popup-notify', oAuthUri: await buildOAuthUri() });
      return;
    }
    if (phase !== 'login') return;  // oAuthReady: logged out and on the login page
    window.open(await buildOAuthUri(), 'rc-oauth', 'scrollbars=yes, width=600, height=600');
  }

  async function loginWith(pairs) {
    var previous = phase;
    phase = 'loading';
    render();
    var json = await tokenRequest(pairs);
    if (!json) {
      phase = previous === 'app' ? 'app' : 'login';
      render();
      showAlert('login failed: ' + lastError);
      return;
    }
    storeToken(json, codeVerifier);
    await finishLogin(true);
  }

  async function handleCallback(callbackUri) {
    callbacksReceived += 1;
    var query;
    try {
      query = parseUri(String(callbackUri));
    } catch (error) {
      lastError = error.code || error.message;
      showAlert(error.code === 'access_denied' ? 'access denied' : 'internal error: ' + lastError);
      return;
    }
    if (query.jwt) { await loginWith([['grant_type', JWT_GRANT], ['assertion', query.jwt]]); return; }
    if (query.code_verifier) codeVerifier = query.code_verifier;
    if (!query.code) { lastError = 'callback without code'; return; }  // the state is never checked
    var pairs = [['grant_type', 'authorization_code'], ['code', query.code], ['redirect_uri', tokenRedirect]];
    if (codeVerifier) pairs.push(['code_verifier', codeVerifier]);
    await loginWith(pairs);
  }

  // --- calls (commons Webphone, as the Adapter reports it: l.855-960, control-call l.986-1032) -------------
  function liveCalls() { return calls.filter(function (c) { return !c.endTime; }); }

  function findLive(id) {
    if (!id) return null;
    return liveCalls().filter(function (c) { return c.id === id; })[0] || null;
  }

  function isRinging(call) { return call.direction === 'Inbound' && call.callStatus === CONNECTING; }
  function isEstablished(call) { return call.callStatus === CONNECTED || call.callStatus === ON_HOLD; }

  function activeCall() { return findLive(activeSessionId); }

  // The call payload of rc-call-*-notify: the normalised session plus contactMatch (nothing of the fake's own).
  function notifyCall(type, call) {
    var payload = copy(call);
    delete payload.media;
    post({ type: type, call: payload });
  }

  // ringSessionId: the latest session still ringing; activeSessionId: the latest one made active.
  function pickRingSession() {
    var ringing = liveCalls().filter(isRinging);
    ringSessionId = ringing.length ? ringing[ringing.length - 1].id : null;
  }

  function pickActiveSession() {
    var candidates = liveCalls().filter(function (c) { return !isRinging(c); })
      .sort(function (a, b) { return a.lastActiveTime - b.lastActiveTime; });
    activeSessionId = candidates.length ? candidates[candidates.length - 1].id : null;
  }

  function makeSession(direction, fields) {
    sessionCount += 1;
    var now = Date.now();
    var n = sessionCount;
    return Object.assign({
      id: (direction === 'Inbound' ? 'fake-in-' : 'fake-call-') + n, callId: 'fake-sip-' + n,
      direction: direction, callStatus: CONNECTING, to: '', toUserName: '', from: '', fromNumber: '',
      fromUserName: '', startTime: now, creationTime: now, isOnHold: false, isOnMute: false, isOnFlip: false,
      isOnTransfer: false, isToVoicemail: false, isForwarded: false, isReplied: false,
      recordStatus: 'webphone-record-idle', minimized: false,
      partyData: { sessionId: 's-' + n + '-' + now, partyId: 'p-' + n + '-' + now }, lastActiveTime: now,
      callQueueName: null, warmTransferSessionId: null, contactMatch: null
    }, fields);
  }

  function endCall(call) {
    call.endTime = Date.now();
    call.callStatus = FINISHED;
    if (call.id === ringSessionId) pickRingSession();
    if (call.id === activeSessionId) pickActiveSession();
    notifyCall('rc-call-end-notify', call);
    render();
    schedulePresence();
  }

  function setHold(call, hold) {
    call.isOnHold = hold;
    call.callStatus = hold ? ON_HOLD : CONNECTED;
    notifyCall(hold ? 'rc-call-hold-notify' : 'rc-call-resume-notify', call);
  }

  // Answering or unholding a call puts the other established calls on hold first (commons Webphone
  // _holdOtherSession), each with its rc-call-hold-notify.
  function holdOthers(exceptId) {
    liveCalls().forEach(function (c) {
      if (c.id !== exceptId && c.callStatus === CONNECTED) setHold(c, true);
    });
  }

  function makeActive(call) {
    call.lastActiveTime = Date.now();
    activeSessionId = call.id;
  }

  function startCall(call) {  // the session is accepted (answered here, or by the far end)
    call.callStatus = CONNECTED;
    makeActive(call);
    pickRingSession();
    notifyCall('rc-call-start-notify', call);
    render();
    schedulePresence();
  }

  // rc-adapter-new-call (l.1233-1249): ignored unless signed in, call.isIdle, and no session to that number;
  // the dialer takes the call only when ready (rc-dialer-status-notify). The fake reads call.isIdle strictly:
  // while any call of ours is ringing or under way it drops the command (which also covers "a session to that
  // number"), since a host must not count on dialing out during a call.
  function newCall(data) {
    if (!loggedIn) { drop(data, 'signed out'); return; }
    if (!dialerReady) { drop(data, 'dialer not ready'); return; }
    if (liveCalls().length) { drop(data, 'a call is under way'); return; }
    var number = String(data.phoneNumber || '');
    dialedNumber = number;
    render();
    if (!data.toCall) return;
    if (!number.replace(/[^0-9]/g, '')) { drop(data, 'no number to call'); return; }
    var call = makeSession('Outbound', { to: number, from: accountInfo.mainNumber,
      fromNumber: accountInfo.mainNumber, fromUserName: extensionInfo.name, media: 'pending' });
    calls.push(call);
    makeActive(call);
    notifyCall('rc-call-init-notify', call);
    render();
    schedulePresence();
    // The webphone needs the microphone: a host that denies it gets a failed call, as with the real one.
    originalGetUserMedia({ audio: true }).then(function (stream) {
      stream.getTracks().forEach(function (track) { track.stop(); });
      call.media = 'granted';
    }, function (error) {
      call.media = error.name || String(error);
      lastError = 'microphone: ' + call.media;
      showAlert(lastError);
      if (!call.endTime) endCall(call);
    });
  }

  // rc-adapter-control-call {callAction, callId} (l.986-1032).
  function controlCall(data) {
    var action = data.callAction;
    var onRinging = RING_ACTIONS.indexOf(action) >= 0;
    if (!onRinging && ACTIVE_ACTIONS.indexOf(action) < 0) { drop(data, 'action not modelled by the fake'); return; }
    if (!loggedIn) { drop(data, 'signed out'); return; }
    var call = data.callId ? findLive(data.callId) : findLive(onRinging ? ringSessionId : activeSessionId);
    if (!call) {
      drop(data, data.callId ? 'unknown call id' : (onRinging ? 'no ringing call' : 'no active call'));
      return;
    }
    if (onRinging && !isRinging(call)) { drop(data, 'the call is not ringing'); return; }
    switch (action) {
      case 'answer':
        holdOthers(call.id);
        startCall(call);
        return;
      case 'reject':
        endCall(call);
        return;
      case 'toVoicemail':
        call.isToVoicemail = true;
        endCall(call);
        return;
      case 'hangup':  // any session of ours, a ringing one too (it is declined)
        endCall(call);
        return;
      default:
        break;
    }
    if (!isEstablished(call)) { drop(data, 'the call is not connected'); return; }
    if (action === 'hold' || action === 'unhold') {
      var hold = action === 'hold';
      if (call.isOnHold === hold) { drop(data, hold ? 'already on hold' : 'not on hold'); return; }
      if (!hold) { holdOthers(call.id); makeActive(call); }
      setHold(call, hold);
    } else {
      var mute = action === 'mute';
      if (call.isOnMute === mute) { drop(data, mute ? 'already muted' : 'not muted'); return; }
      call.isOnMute = mute;
      notifyCall('rc-call-mute-notify', call);
    }
    render();
    schedulePresence();
  }

  // --- presence (commons Presence; Adapter _pushPresence l.533-553, _pushActiveCalls l.555-605) ------------
  function telephonyStatus() {
    var live = liveCalls();
    if (!live.length) return 'NoCall';
    if (live.some(function (c) { return c.callStatus === CONNECTING; })) return 'Ringing';
    if (live.some(function (c) { return c.callStatus === CONNECTED; })) return 'CallConnected';
    return 'OnHold';
  }

  function pushPresence() {
    var now = loggedIn && presence.ready
      ? { telephonyStatus: telephonyStatus(), userStatus: presence.userStatus, dndStatus: presence.dndStatus }
      : { telephonyStatus: null, userStatus: null, dndStatus: null };
    if (now.telephonyStatus === syncedPresence.telephonyStatus && now.userStatus === syncedPresence.userStatus &&
        now.dndStatus === syncedPresence.dndStatus) return;  // edge-triggered
    syncedPresence = now;
    post({ type: 'rc-adapter-syncPresence', telephonyStatus: now.telephonyStatus, userStatus: now.userStatus,
      dndStatus: now.dndStatus,
      presenceOption: now.dndStatus === 'DoNotAcceptAnyCalls' ? now.dndStatus : now.userStatus });
  }

  // The presence's activeCalls (without sipData and id): new and changed entries are announced.
  function pushActiveCalls() {
    if (!loggedIn || !presence.ready) { notifiedActiveCalls = {}; return; }
    var seen = {};
    liveCalls().forEach(function (c) {
      var entry = { sessionId: c.callId.replace(/^fake-sip-/, '9000'), telephonySessionId: c.partyData.sessionId,
        partyId: c.partyData.partyId, direction: c.direction, from: c.fromNumber,
        fromName: c.fromUserName, to: c.to, toName: c.toUserName,
        telephonyStatus: c.callStatus === CONNECTING ? 'Ringing' : (c.isOnHold ? 'OnHold' : 'CallConnected'),
        startTime: new Date(c.startTime).toISOString() };
      var key = entry.sessionId + entry.direction;
      seen[key] = entry.telephonyStatus;
      if (notifiedActiveCalls[key] !== entry.telephonyStatus) post({ type: 'rc-active-call-notify', call: entry });
    });
    notifiedActiveCalls = seen;
  }

  // Presence comes from the platform (GET at login, then subscription notifications): a moment after the
  // call events, never before them.
  function schedulePresence() {
    if (presenceTimer !== null) return;
    presenceTimer = setTimeout(function () {
      presenceTimer = null;
      pushActiveCalls();
      pushPresence();
    }, 0);
  }

  async function loadPresence(generation) {
    // permissionCheckFunction: without ReadPresenceStatus there is no request, and the module never gets ready.
    if (features.indexOf('ReadPresenceStatus') < 0) return;
    var json;
    try {
      json = await apiGet(PRESENCE_PATH + '?detailedTelephonyState=true&sipData=true&totalActiveCalls');
    } catch (error) {
      if (generation === loginGeneration) lastError = 'presence: ' + error.message;
      return;
    }
    if (generation !== loginGeneration || !loggedIn) return;
    presence.userStatus = USER_STATUSES.indexOf(json.userStatus) >= 0 ? json.userStatus : 'Available';
    presence.dndStatus = DND_STATUSES.indexOf(json.dndStatus) >= 0 ? json.dndStatus : 'TakeAllCalls';
    presence.ready = true;
    schedulePresence();
  }

  // rc-adapter-set-presence {userStatus, dndStatus} (_setPresence l.1360-1375, commons Presence._update).
  async function setPresence(data) {
    if (!loggedIn || !presence.ready) { drop(data, 'presence not ready'); return; }
    if (data.userStatus && USER_STATUSES.indexOf(data.userStatus) < 0) { drop(data, 'unknown userStatus'); return; }
    if (data.dndStatus && DND_STATUSES.indexOf(data.dndStatus) < 0) { drop(data, 'unknown dndStatus'); return; }
    if (features.indexOf('EditPresenceStatus') < 0) { drop(data, 'no EditPresenceStatus feature'); return; }
    var generation = loginGeneration;
    var body = { userStatus: data.userStatus || presence.userStatus, dndStatus: data.dndStatus || presence.dndStatus };
    var record = { userStatus: body.userStatus, dndStatus: body.dndStatus, ok: false, error: null };
    presenceRequests.push(record);
    var json;
    try {
      json = await apiRequest('PUT', PRESENCE_PATH, body);
    } catch (error) {  // the real one shows an alert; the presence stays as it was
      record.error = error.message;
      lastError = 'presence: ' + error.message;
      return;
    }
    record.ok = true;
    if (generation !== loginGeneration || !loggedIn) return;
    // The platform answers with the presence record it now holds.
    presence.userStatus = USER_STATUSES.indexOf(json.userStatus) >= 0 ? json.userStatus : body.userStatus;
    presence.dndStatus = DND_STATUSES.indexOf(json.dndStatus) >= 0 ? json.dndStatus : body.dndStatus;
    schedulePresence();
  }

  // --- commands -----------------------------------------------------------------------------------------
  function onCommand(data) {
    switch (data.type) {
      case 'rc-adapter-login':
        if (loggedIn) drop(data, 'signed in'); else openOAuthPage();
        break;
      case 'rc-adapter-logout':
        if (loggedIn) logout(true, true); else drop(data, 'signed out');
        break;
      case 'rc-adapter-new-call': newCall(data); break;
      case 'rc-adapter-new-sms':
        if (!loggedIn) { drop(data, 'signed out'); break; }
        smsRequests.push({ phoneNumber: String(data.phoneNumber || ''), text: data.text || '' });
        $('sms-to').textContent = String(data.phoneNumber || '');
        break;
      case 'rc-adapter-control-call': controlCall(data); break;
      case 'rc-adapter-set-presence': setPresence(data); break;
      default: break;
    }
  }

  // No origin or source checks, like every listener of the real widget.
  window.addEventListener('message', function (event) {
    var data = event.data;
    if (!data || typeof data !== 'object') return;
    var type = typeof data.type === 'string' ? data.type : null;
    arrivedAt[data.callbackUri ? 'callbackUri' : String(type)] = performance.timeOrigin + performance.now();
    if (type && OUTGOING.indexOf(type) >= 0) return;
    if (!type && !data.callbackUri) return;
    if (!commandsReady) { drop(data, 'before init'); return; }
    if (type) receivedCommands.push(type);
    if (data.callbackUri) handleCallback(data.callbackUri);  // the type is ignored (OAuth listener)
    if (type) onCommand(data);
  });

  Object.defineProperty(window, '__fakeWidget', {
    configurable: false, writable: false, value: Object.freeze({
      get initialised() { return commandsReady; },
      get loggedIn() { return loggedIn; },
      get dialerReady() { return dialerReady; },
      get phase() { return phase; },
      get lastError() { return lastError; },
      get exchanges() { return copy(exchanges); },
      get receivedCommands() { return receivedCommands.slice(); },
      get droppedCommands() { return droppedCommands.slice(); },
      get drops() { return copy(drops); },
      get callbacksReceived() { return callbacksReceived; },
      get arrivedAt() { return copy(arrivedAt); },
      get calls() { return copy(calls); },
      get activeSessionId() { return activeSessionId; },
      get ringSessionId() { return ringSessionId; },
      get smsRequests() { return copy(smsRequests); },
      get dialedNumber() { return dialedNumber; },
      get presence() {
        return { ready: presence.ready, userStatus: presence.userStatus, dndStatus: presence.dndStatus,
          telephonyStatus: loggedIn && presence.ready ? telephonyStatus() : null };
      },
      get presenceRequests() { return copy(presenceRequests); },
      get features() { return features.slice(); },
      get lastOAuthUri() { return lastOAuthUri; },
      get hasCodeVerifier() { return !!codeVerifier; },
      get config() {
        return { clientId: clientId, usePKCE: usePKCE, appServer: appServer, authorizeRedirect: authorizeRedirect,
          tokenRedirect: tokenRedirect, disableLoginPopup: disableLoginPopup, prefix: prefix, userAgent: userAgent,
          initDelayMs: initDelay };
      }
    })
  });

  // --- what the platform and the person do (test hooks: the real widget gets these from SIP and clicks) ------
  var sideDrawerOpen = false;

  function inboundRecord(type, fromNumber, fromName, subject, extra) {
    messageCount += 1;
    return Object.assign({ id: Date.now() * 100 + messageCount, type: type, direction: 'Inbound',
      readStatus: 'Unread', messageStatus: 'Received', availability: 'Alive', subject: subject,
      from: { phoneNumber: fromNumber, name: fromName }, to: [{ phoneNumber: accountInfo.mainNumber }],
      creationTime: new Date().toISOString(), lastModifiedTime: new Date().toISOString() }, extra);
  }

  Object.defineProperty(window, '__fakeWidgetTest', {
    configurable: false, writable: false, value: Object.freeze({
      // An inbound call arrives (a SIP INVITE): rings only when signed in with the webphone ready. A second
      // call during one rings too (call waiting). With Do Not Disturb the platform does not route it here.
      incomingCall: function (fromNumber, fromUserName) {
        if (!loggedIn || !dialerReady) return false;
        if (presence.ready && presence.dndStatus === 'DoNotAcceptAnyCalls') return false;
        var call = makeSession('Inbound', { to: accountInfo.mainNumber, toUserName: extensionInfo.name,
          from: fromNumber, fromNumber: fromNumber, fromUserName: fromUserName || '' });
        calls.push(call);
        ringSessionId = call.id;
        notifyCall('rc-call-ring-notify', call);
        render();
        schedulePresence();
        return true;
      },
      // The far end hangs up (or, for a call still ringing, gives up: a missed call): the session ends.
      callEnds: function (id) {
        var call = findLive(id);
        if (!call) return false;
        endCall(call);
        return true;
      },
      // The far end answers an outbound call.
      callAnswered: function (id) {
        var call = findLive(id);
        if (!call || call.direction !== 'Outbound' || call.callStatus !== CONNECTING) return false;
        startCall(call);
        return true;
      },
      // A new SMS (or, with type, a VoiceMail / Fax) arrives (message-store record, as the real widget posts it).
      inboundMessage: function (fromNumber, fromName, subject, type) {
        if (!loggedIn) return false;
        var kind = type || 'SMS';
        var extra = kind === 'SMS' ? { conversationId: 'c-' + fromNumber } : {};
        post({ type: 'rc-inbound-message-notify', message: inboundRecord(kind, fromNumber, fromName, subject, extra) });
        return true;
      },
      // The caller leaves a voicemail (a VoiceMail message-store record with its audio attachment).
      voicemail: function (fromNumber, fromName, seconds) {
        if (!loggedIn) return false;
        var duration = seconds || 12;
        post({ type: 'rc-inbound-message-notify', message: inboundRecord('VoiceMail', fromNumber, fromName,
          'Voice message from ' + (fromName || fromNumber), { vmTranscriptionStatus: 'NotAvailable',
            attachments: [{ id: messageCount, type: 'AudioRecording', contentType: 'audio/mpeg',
              vmDuration: duration }] }) });
        return true;
      },
      // The person opens or closes the side drawer (l.1518-1539: syncSize first, then the notify).
      toggleSideDrawer: function () {
        sideDrawerOpen = !sideDrawerOpen;
        post({ type: 'rc-adapter-syncSize', size: { width: sideDrawerOpen ? 600 : 300, height: 500 } });
        post({ type: 'rc-adapter-side-drawer-open-notify', open: sideDrawerOpen });
        return sideDrawerOpen;
      }
    })
  });

  // --- startup ------------------------------------------------------------------------------------------
  // The Adapter module inits (pushAdapterState, l.520-531), then Auth gets ready and the first
  // rc-login-status-notify marks the end of init.
  async function start() {
    post({ type: 'rc-adapter-pushAdapterState', size: { width: 300, height: 500 }, minimized: false,
      closed: false, position: { translateX: 0, translateY: 0, minTranslateX: 0 }, telephonyStatus: null,
      userStatus: null, dndStatus: null });
    var token = readToken();
    if (token && token.access_token) {
      var result = await finishLogin(false);  // refreshes first if expired (apiGet)
      if (result !== 'logged-out') return;
    } else {
      showLogin();
    }
    if (params.jwt && !loggedIn && !userLoggedOut) {
      await loginWith([['grant_type', JWT_GRANT], ['assertion', params.jwt]]);
    } else if (params.autoSignIn && !loggedIn) {
      openOAuthPage();  // tests only (not a widget parameter): stands in for the person clicking Sign In
    }
  }

  document.addEventListener('DOMContentLoaded', function () {
    $('sign-in').addEventListener('click', function () { openOAuthPage(); });
    $('open-help').addEventListener('click', function () { window.open('https://example.invalid/help'); });
    $('open-js').addEventListener('click', function () { window.open('javascript:alert(1)'); });
    $('open-file').addEventListener('click', function () { window.open('file:///etc/passwd'); });
    render();
  });
  window.addEventListener('load', function () { setTimeout(start, initDelay); });
})();
