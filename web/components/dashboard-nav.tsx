import type { Locale } from '../../workers/domain/locale';

const LABELS: Record<Locale, Record<string, string>> = {
  en: { overview: 'Overview', appointments: 'Appointments', clients: 'Clients', settings: 'Settings', export: 'Export', feed: 'Calendar feed', audit: 'Audit log', requests: 'Data requests', name: 'Dashboard' },
  de: { overview: 'Übersicht', appointments: 'Termine', clients: 'Klient:innen', settings: 'Einstellungen', export: 'Export', feed: 'Kalender-Abo', audit: 'Protokoll', requests: 'Datenschutzanfragen', name: 'Praxisbereich' },
  da: { overview: 'Oversigt', appointments: 'Tider', clients: 'Klienter', settings: 'Indstillinger', export: 'Eksport', feed: 'Kalenderabonnement', audit: 'Revisionslog', requests: 'Anmodninger', name: 'Praksisområde' },
};

const LINKS = [
  ['overview', '/dashboard'],
  ['appointments', '/dashboard/appointments'],
  ['clients', '/dashboard/clients'],
  ['settings', '/dashboard/settings'],
  ['export', '/dashboard/export'],
  ['feed', '/dashboard/calendar-feed'],
  ['audit', '/dashboard/audit'],
  ['requests', '/dashboard/requests'],
] as const;

/** The dashboard's section navigation; `current` marks the page the therapist is on. */
export function DashboardNav(props: { locale: Locale; current: string }) {
  const labels = LABELS[props.locale];
  return (
    <nav aria-label={labels.name} class="dashboard-nav">
      <ul>
        {LINKS.map(([key, href]) => (
          <li>
            <a href={href} aria-current={props.current === href ? 'page' : undefined}>
              {labels[key]}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
