import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { accessTable, declaredAt } from '../../workers/lib/route';
import { incidentsConsole, recordRoutes } from '../../workers/routes/incidents-routes';
import { formatUtc } from '../../workers/domain/breach';
import { asDpo, Client, countRows, outbox, signUpTherapist, type Therapist } from './harness';

const INCIDENTS_ACCESS = accessTable([...declaredAt('/dpo/incidents', incidentsConsole), ...declaredAt('/', recordRoutes)]);
const HOUR = 3_600_000;
const utcInput = (at: number) => new Date(at).toISOString().slice(0, 16);

/** Posts a form whose checkboxes repeat a name, as a browser does. */
function postForm(client: Client, path: string, pairs: [string, string][]) {
  const body = new URLSearchParams(pairs);
  if (client.csrfToken) body.set('_csrf', client.csrfToken);
  return client.fetch(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
}

type Fields = { awareAt?: number; scope?: 'all' | 'practices' | 'window'; slugs?: string[]; highRisk?: boolean; nature?: string };

async function recordIncident(dpo: Client, fields: Fields = {}): Promise<{ id: string; reference: string; awareAt: number }> {
  const awareAt = fields.awareAt ?? Date.now() - 2 * HOUR;
  const pairs: [string, string][] = [
    ['awareAt', utcInput(awareAt)],
    ['nature', fields.nature ?? 'An export link was reachable without sign-in'],
    ['dataCategories', 'contact'],
    ['dataCategories', 'health'],
    ['subjectCategories', 'clients'],
    ['approxSubjects', '40'],
    ['approxRecords', '120'],
    ['consequences', 'Appointment times may have been seen by others'],
    ['measures', 'The link was revoked and access logs reviewed'],
    ['contact', 'dpo@example.com'],
    ['scope', fields.scope ?? 'practices'],
    ['practiceSlugs', (fields.slugs ?? []).join('\n')],
    ...(fields.highRisk ? ([['highRisk', 'on']] as [string, string][]) : []),
  ];
  const response = await postForm(dpo, '/dpo/incidents', pairs);
  expect(response.status).toBe(303);
  const id = /^\/dpo\/incidents\/([\w-]+)\?done=created$/.exec(response.headers.get('location') ?? '')?.[1];
  if (!id) throw new Error('no incident id in the redirect');
  return { id, reference: id.slice(0, 8).toUpperCase(), awareAt: Date.parse(`${utcInput(awareAt)}Z`) };
}

async function mailsAbout(reference: string, to: string) {
  return (await outbox()).filter((m) => m.to === to && m.subject.includes(reference));
}

const notify = (dpo: Client, id: string) => dpo.form(`/dpo/incidents/${id}/notify`, {});

let dpo: Client;
let a: Therapist;
let b: Therapist;
let outsider: Therapist;

beforeAll(async () => {
  dpo = await asDpo();
  [a, b, outsider] = await Promise.all([signUpTherapist(), signUpTherapist(), signUpTherapist()]);
});

describe('incident console access', () => {
  const dpoRoutes = Object.entries(INCIDENTS_ACCESS).filter(([, access]) => access === 'dpo').map(([key]) => key);

  it('declares every console route for the DPO only', () => {
    expect(dpoRoutes.length).toBeGreaterThanOrEqual(9);
    expect(dpoRoutes.every((key) => key.split(' ')[1]?.startsWith('/dpo/incidents'))).toBe(true);
  });

  it('refuses anonymous visitors and therapists on every incident route, changing nothing', async () => {
    const { id } = await recordIncident(dpo, { slugs: [a.slug] });
    const notices = await countRows('incident_notices');
    const updates = await countRows('incident_updates');
    for (const key of dpoRoutes) {
      const [method = '', pattern = ''] = key.split(' ');
      const path = pattern.replace(':id', id).replace(':locale', 'de');
      const anonymous = method === 'GET' ? await new Client().fetch(path) : await new Client().form(path, { text: 'sneaky' });
      if (method === 'GET') expect(anonymous.headers.get('location'), key).toMatch(/^\/login\?next=/);
      expect([303, 401], key).toContain(anonymous.status);
      const asTherapist = method === 'GET' ? await a.client.fetch(path) : await a.client.form(path, { text: 'sneaky' });
      expect(asTherapist.status, key).toBe(403);
      expect(await asTherapist.text(), key).not.toContain('An export link was reachable');
    }
    expect(await countRows('incident_notices')).toBe(notices);
    expect(await countRows('incident_updates')).toBe(updates);
    expect(await env.DB.prepare('SELECT closed_at FROM incidents WHERE id = ?').bind(id).first('closed_at')).toBeNull();
  });
});

describe('recording incidents', () => {
  it('lists open incidents first, each with its deadline in UTC and the time left, and overdue ones in red', async () => {
    const fresh = await recordIncident(dpo, { slugs: [a.slug], nature: 'Fresh incident for the list' });
    const late = await recordIncident(dpo, { slugs: [a.slug], awareAt: Date.now() - 73 * HOUR, nature: 'Late incident for the list' });
    const closed = await recordIncident(dpo, { slugs: [a.slug], nature: 'Closed incident for the list' });
    expect((await dpo.form(`/dpo/incidents/${closed.id}/close`, {})).status).toBe(303);

    const html = await (await dpo.fetch('/dpo/incidents')).text();
    const row = (reference: string) => html.split('data-testid="incident-row"').find((r) => r.includes(reference)) ?? '';
    expect(row(fresh.reference)).toContain(formatUtc(fresh.awareAt + 72 * HOUR));
    expect(row(fresh.reference)).toMatch(/(69 (h|Std\.|t\.) 5\d|70 (h|Std\.|t\.) 00) min/i);
    expect(row(late.reference)).toMatch(/class="overdue field-error"/);
    expect(row(fresh.reference)).not.toMatch(/class="overdue/);
    expect(html.indexOf(late.reference)).toBeLessThan(html.indexOf(fresh.reference));
    expect(html.indexOf(fresh.reference)).toBeLessThan(html.indexOf(closed.reference));
  });

  it('shows the form again with the message when no category was chosen, and records nothing', async () => {
    const before = await countRows('incidents');
    const response = await postForm(dpo, '/dpo/incidents', [
      ['awareAt', utcInput(Date.now() - HOUR)],
      ['nature', 'Missing categories'],
      ['scope', 'all'],
    ]);
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('Choose at least one category');
    expect(html).toContain('Missing categories');
    expect(await countRows('incidents')).toBe(before);
  });

  it('refuses booking addresses that belong to no practice', async () => {
    const response = await postForm(dpo, '/dpo/incidents', [
      ['awareAt', utcInput(Date.now() - HOUR)],
      ['nature', 'Unknown practice'],
      ['dataCategories', 'contact'],
      ['subjectCategories', 'clients'],
      ['approxSubjects', '1'],
      ['approxRecords', '1'],
      ['consequences', 'None known'],
      ['measures', 'None yet'],
      ['contact', 'dpo@example.com'],
      ['scope', 'practices'],
      ['practiceSlugs', 'no-such-practice-anywhere'],
    ]);
    expect(response.status).toBe(422);
    expect(await response.text()).toContain('no-such-practice-anywhere');
  });
});

describe('notifying affected practices', () => {
  it('sends each affected practice its notice exactly once, however often and concurrently notify is pressed', async () => {
    await env.DB.prepare('UPDATE practices SET contact_email = ? WHERE id = ?').bind(`office-${a.email}`, a.practiceId).run();
    const incident = await recordIncident(dpo, { slugs: [a.slug, b.slug] });

    const first = await Promise.all([notify(dpo, incident.id), notify(dpo, incident.id), notify(dpo, incident.id)]);
    expect(first.map((r) => r.status)).toEqual([303, 303, 303]);
    expect((await notify(dpo, incident.id)).headers.get('location')).toContain('sent=0&skipped=2&failed=0');

    expect(await mailsAbout(incident.reference, a.email)).toHaveLength(1);
    expect(await mailsAbout(incident.reference, `office-${a.email}`)).toHaveLength(1);
    expect(await mailsAbout(incident.reference, b.email)).toHaveLength(1);
    expect(await mailsAbout(incident.reference, outsider.email)).toHaveLength(0);
    const rows = await env.DB.prepare('SELECT count(*) AS n FROM incident_notices WHERE incident_id = ?').bind(incident.id).first<number>('n');
    expect(rows).toBe(2);
  });

  it('claims the first notice under a key the unique index can enforce, so a racing second claim is refused', async () => {
    const incident = await recordIncident(dpo, { slugs: [b.slug] });
    await notify(dpo, incident.id);
    // SQLite treats NULLs as distinct in a UNIQUE index: the first notice must carry a non-NULL update id.
    const claim = await env.DB.prepare("SELECT update_id FROM incident_notices WHERE incident_id = ? AND kind = 'practice'").bind(incident.id).first('update_id');
    expect(claim).toBe('');
    const racing = env.DB.prepare("INSERT INTO incident_notices (id, incident_id, practice_id, kind, update_id, sent_at, created_at) VALUES (?, ?, ?, 'practice', '', 0, 0)")
      .bind(crypto.randomUUID(), incident.id, b.practiceId)
      .run();
    await expect(racing).rejects.toThrow(/UNIQUE/);
  });

  it('sends a later update once per practice and never repeats the first notice', async () => {
    const incident = await recordIncident(dpo, { slugs: [a.slug, b.slug] });
    await notify(dpo, incident.id);
    const update = await dpo.form(`/dpo/incidents/${incident.id}/updates`, { text: 'Forensics found no download of the export' });
    expect(update.status).toBe(303);
    await Promise.all([notify(dpo, incident.id), notify(dpo, incident.id)]);
    await notify(dpo, incident.id);

    for (const therapist of [a, b]) {
      const mails = await mailsAbout(incident.reference, therapist.email);
      expect(mails).toHaveLength(2);
      expect(mails.filter((m) => m.text.includes('Forensics found no download'))).toHaveLength(1);
    }
  });

  it('includes updates written before a practice’s first notice in that notice, without a separate update', async () => {
    const incident = await recordIncident(dpo, { slugs: [b.slug] });
    await dpo.form(`/dpo/incidents/${incident.id}/updates`, { text: 'Early update before any notice' });
    await notify(dpo, incident.id);
    await notify(dpo, incident.id);
    const mails = await mailsAbout(incident.reference, b.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.text).toContain('Early update before any notice');
  });

  it('gives a Danish practice the draft for Datatilsynet and a high-risk incident the Art. 34 notice', async () => {
    const danish = await signUpTherapist({ timeZone: 'Europe/Copenhagen', locale: 'da' });
    const incident = await recordIncident(dpo, { slugs: [danish.slug], highRisk: true });
    await notify(dpo, incident.id);
    const [mail] = await mailsAbout(incident.reference, danish.email);
    expect(mail?.text).toContain('UDKAST');
    expect(mail?.text).toContain('Datatilsynet');
    expect(mail?.attachments.map((x) => x.filename)).toEqual(['underretning-beroerte.txt']);

    const page = await (await dpo.fetch(`/dpo/incidents/${incident.id}`)).text();
    for (const locale of ['de', 'da', 'en']) expect(page).toContain(`data-testid="subject-notice-${locale}"`);
    const download = await dpo.fetch(`/dpo/incidents/${incident.id}/subject-notice/da`);
    expect(download.headers.get('content-disposition')).toContain('attachment');
    expect(await download.text()).toContain('[praksissens navn]');
  });

  it('refuses updates and notices once the incident is closed', async () => {
    const incident = await recordIncident(dpo, { slugs: [b.slug] });
    expect((await dpo.form(`/dpo/incidents/${incident.id}/close`, {})).status).toBe(303);
    const refused = await notify(dpo, incident.id);
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('The incident is closed');
    expect((await dpo.form(`/dpo/incidents/${incident.id}/updates`, { text: 'Too late for this' })).status).toBe(409);
    expect(await mailsAbout(incident.reference, b.email)).toHaveLength(0);
  });
});

describe('timeline export', () => {
  it('exports the incident, its clock and every event in time order as JSON', async () => {
    const incident = await recordIncident(dpo, { slugs: [a.slug] });
    await notify(dpo, incident.id);
    await dpo.form(`/dpo/incidents/${incident.id}/updates`, { text: 'Second phase of information' });
    await notify(dpo, incident.id);
    await dpo.form(`/dpo/incidents/${incident.id}/close`, {});

    const response = await dpo.fetch(`/dpo/incidents/${incident.id}/timeline.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain(`incident-${incident.reference}-timeline.json`);
    const body = await response.json<{
      incident: { id: string; awareAt: string; closedAt: string | null };
      clock: { deadline: string };
      events: { type: string; kind?: string; text?: string; practiceId?: string; at: string }[];
    }>();
    expect(body.incident.id).toBe(incident.id);
    expect(body.clock.deadline).toBe(new Date(incident.awareAt + 72 * HOUR).toISOString());
    expect(body.events.map((e) => (e.type === 'notice' ? `notice:${e.kind}` : e.type))).toEqual(['aware', 'created', 'notice:practice', 'update', 'notice:update', 'closed']);
    expect(body.events.find((e) => e.type === 'update')?.text).toBe('Second phase of information');
    expect(body.events.filter((e) => e.type === 'notice').every((e) => e.practiceId === a.practiceId)).toBe(true);
    const times = body.events.map((e) => Date.parse(e.at));
    expect([...times].sort((x, y) => x - y)).toEqual(times);
  });
});
