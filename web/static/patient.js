// Patient call page: joins a fresh LiveKit room, publishes the microphone, plays the
// receptionist, and shows live captions of both sides plus the agent's state.
import {
  Room,
  RoomEvent,
  Track,
  createLocalAudioTrack,
} from '/static/vendor/livekit-client.esm.mjs';

const TRANSCRIPTION_TOPIC = 'lk.transcription';
const AGENT_STATE_ATTR = 'lk.agent.state';
const SEGMENT_ATTR = 'lk.segment_id';
const FINAL_ATTR = 'lk.transcription_final';
const AGENT_JOIN_TIMEOUT_MS = 20000;
const AGENT_LATE_MESSAGE =
  'The receptionist has not joined yet. The clinic system may be busy; you can keep waiting or end the call and try again.';

const STATE_LABELS = {
  offline: 'not in the call',
  initializing: 'joining…',
  listening: 'listening',
  thinking: 'thinking',
  speaking: 'speaking',
  idle: 'waiting',
};

const $ = (id) => document.getElementById(id);
const ui = {
  start: $('start'),
  end: $('end'),
  unmute: $('unmute-audio'),
  status: $('status'),
  error: $('error'),
  dot: $('state-dot'),
  state: $('agent-state'),
  captions: $('captions'),
  empty: $('captions-empty'),
  sink: $('audio-sink'),
};

let room = null;
let micTrack = null;
let agentTimer = null;
let endedByUser = false;
let agentLeft = false;
// Why this call had to be given up; disconnecting then fires RoomEvent.Disconnected, whose
// generic "disconnected" message must not replace this more useful one.
let failure = '';
// segment id -> <li>; a segment's text is whatever the latest stream for it carried
// (the agent streams deltas on one stream; the patient's interim results each replace it).
const segments = new Map();

function setStatus(text) {
  ui.status.textContent = text;
}

function showError(text) {
  ui.error.textContent = text;
  ui.error.hidden = !text;
}

function setAgentState(state) {
  const label = STATE_LABELS[state] ?? state;
  ui.dot.dataset.state = state;
  ui.state.dataset.state = state;
  ui.state.textContent = label;
}

function setInCall(inCall) {
  ui.start.hidden = inCall;
  ui.start.disabled = false;
  ui.end.hidden = !inCall;
  if (inCall) ui.end.focus();
}

function captionFor(segmentId, who) {
  let li = segments.get(segmentId);
  if (!li) {
    li = document.createElement('li');
    li.className = who === 'you' ? 'you' : 'clinic';
    li.dataset.role = who === 'you' ? 'patient' : 'agent';
    li.dataset.segment = segmentId;
    const name = document.createElement('span');
    name.className = 'who';
    name.textContent = who === 'you' ? 'You:' : 'Clinic:';
    const text = document.createElement('span');
    text.className = 'text';
    li.append(name, text);
    ui.captions.append(li);
    segments.set(segmentId, li);
    ui.empty.hidden = true;
  }
  return li;
}

async function onTranscription(reader, participantInfo) {
  const attrs = reader.info.attributes ?? {};
  const segmentId = attrs[SEGMENT_ATTR] ?? reader.info.id;
  const who = room && participantInfo.identity === room.localParticipant.identity ? 'you' : 'clinic';
  const li = captionFor(segmentId, who);
  const textEl = li.querySelector('.text');
  li.classList.toggle('interim', attrs[FINAL_ATTR] !== 'true');
  let text = '';
  try {
    for await (const chunk of reader) {
      text += chunk;
      textEl.textContent = text;
      ui.captions.scrollTop = ui.captions.scrollHeight;
    }
  } catch (err) {
    console.info('caption stream ended early', err);
  }
  // the closing attributes say whether this was the final text of the segment
  const finalAttrs = reader.info.attributes ?? attrs;
  const isFinal = finalAttrs[FINAL_ATTR] === 'true' || who === 'clinic';
  li.classList.toggle('interim', !isFinal);
  li.dataset.final = String(isFinal);
}

function agentOf(currentRoom) {
  for (const p of currentRoom.remoteParticipants.values()) {
    if (p.isAgent) return p;
  }
  return null;
}

function onAgentPresent(participant) {
  if (agentTimer) {
    clearTimeout(agentTimer);
    agentTimer = null;
  }
  // a receptionist who joins late makes the "has not joined" alert wrong: take it down
  if (ui.error.textContent === AGENT_LATE_MESSAGE) showError('');
  setStatus('Connected. The receptionist is on the line — go ahead and speak.');
  setAgentState(participant.attributes[AGENT_STATE_ATTR] ?? 'initializing');
}

function describeMicError(err) {
  const name = err?.name ?? '';
  if (name === 'NotAllowedError' || name === 'SecurityError') {
    return 'Microphone access was blocked. Allow the microphone for this site in your browser settings, then try again.';
  }
  if (name === 'NotFoundError' || name === 'OverconstrainedError') {
    return 'No microphone was found. Plug one in (or use a phone) and try again.';
  }
  if (name === 'NotReadableError') {
    return 'Your microphone is busy in another app. Close that app and try again.';
  }
  return `The microphone could not be started (${name || err}).`;
}

async function fetchToken() {
  let res;
  try {
    res = await fetch('/api/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Patient' }),
    });
  } catch (err) {
    throw new Error("The clinic's web server can't be reached. Check your connection and try again.");
  }
  if (!res.ok) {
    let detail = `HTTP ${res.status}`;
    try {
      detail = (await res.json()).detail ?? detail;
    } catch (_) {
      /* not JSON */
    }
    throw new Error(`The clinic could not start a call: ${detail}`);
  }
  return res.json();
}

function wireRoom(r) {
  r.registerTextStreamHandler(TRANSCRIPTION_TOPIC, (reader, info) => {
    onTranscription(reader, info);
  });
  r.on(RoomEvent.TrackSubscribed, (track) => {
    if (track.kind === Track.Kind.Audio) {
      const el = track.attach();
      el.dataset.role = 'agent-audio';
      ui.sink.append(el);
    }
  });
  r.on(RoomEvent.TrackUnsubscribed, (track) => {
    track.detach().forEach((el) => el.remove());
  });
  r.on(RoomEvent.ParticipantConnected, (p) => {
    if (p.isAgent) onAgentPresent(p);
  });
  r.on(RoomEvent.ParticipantDisconnected, (p) => {
    if (p.isAgent) {
      setAgentState('offline');
      // the receptionist hung up (goodbye or time limit) and nobody else is on the line
      // (a transfer to staff leaves a person in the room): end our side too
      if (r.remoteParticipants.size === 0) {
        agentLeft = true;
        r.disconnect();
      } else {
        setStatus('You are connected with the clinic staff.');
      }
    }
  });
  r.on(RoomEvent.ParticipantAttributesChanged, (changed, p) => {
    if (p.isAgent && AGENT_STATE_ATTR in changed) setAgentState(changed[AGENT_STATE_ATTR]);
  });
  r.on(RoomEvent.AudioPlaybackStatusChanged, () => {
    ui.unmute.hidden = r.canPlaybackAudio;
  });
  r.on(RoomEvent.Reconnecting, () => setStatus('Connection lost — reconnecting…'));
  r.on(RoomEvent.Reconnected, () => setStatus('Reconnected.'));
  r.on(RoomEvent.Disconnected, () => {
    cleanup();
    if (endedByUser) {
      setStatus('Call ended. Thank you for calling.');
    } else if (agentLeft) {
      setStatus('The receptionist ended the call. Thank you for calling.');
    } else if (failure) {
      setStatus('Not connected.');
      showError(failure);
    } else {
      setStatus('The call ended.');
      showError('The call was disconnected. You can start a new one.');
    }
  });
}

function cleanup() {
  if (agentTimer) clearTimeout(agentTimer);
  agentTimer = null;
  if (micTrack) micTrack.stop();
  micTrack = null;
  room = null;
  ui.sink.replaceChildren();
  ui.unmute.hidden = true;
  setAgentState('offline');
  setInCall(false);
}

async function startCall() {
  showError('');
  endedByUser = false;
  agentLeft = false;
  failure = '';
  ui.start.disabled = true;
  if (!navigator.mediaDevices?.getUserMedia) {
    showError('This browser cannot use a microphone on this page (it needs https or localhost).');
    ui.start.disabled = false;
    return;
  }
  try {
    setStatus('Asking for your microphone…');
    micTrack = await createLocalAudioTrack({
      echoCancellation: true,
      noiseSuppression: true,
      autoGainControl: true,
    });
  } catch (err) {
    showError(describeMicError(err));
    setStatus('Not connected.');
    ui.start.disabled = false;
    return;
  }

  let grant;
  try {
    setStatus('Starting a call…');
    grant = await fetchToken();
  } catch (err) {
    showError(err.message);
    cleanup();
    setStatus('Not connected.');
    return;
  }

  const r = new Room({ adaptiveStream: false, dynacast: false });
  room = r;
  wireRoom(r);
  try {
    setStatus('Connecting…');
    await r.connect(grant.url, grant.token);
  } catch (err) {
    console.error(err);
    showError("The call server isn't answering right now. Please try again in a minute, or phone the clinic.");
    cleanup();
    setStatus('Not connected.');
    return;
  }
  document.body.dataset.room = grant.room;
  try {
    await r.localParticipant.publishTrack(micTrack, { source: Track.Source.Microphone });
  } catch (err) {
    failure = `Your microphone could not be sent to the call (${err.message ?? err}).`;
    await r.disconnect();
    cleanup();
    setStatus('Not connected.');
    showError(failure);
    return;
  }
  setInCall(true);
  await r.startAudio().catch(() => {
    ui.unmute.hidden = false;
  });
  const agent = agentOf(r);
  if (agent) {
    onAgentPresent(agent);
  } else {
    setStatus('Connected. Waiting for the receptionist to join…');
    setAgentState('initializing');
    agentTimer = setTimeout(() => showError(AGENT_LATE_MESSAGE), AGENT_JOIN_TIMEOUT_MS);
  }
}

async function endCall() {
  endedByUser = true;
  ui.end.disabled = true;
  try {
    if (room) await room.disconnect();
  } finally {
    ui.end.disabled = false;
    cleanup();
    setStatus('Call ended. Thank you for calling.');
  }
}

ui.start.addEventListener('click', startCall);
ui.end.addEventListener('click', endCall);
ui.unmute.addEventListener('click', async () => {
  if (room) await room.startAudio();
  ui.unmute.hidden = true;
});
window.addEventListener('pagehide', () => {
  if (room) room.disconnect();
});
