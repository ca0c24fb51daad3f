import type { DaySlots } from '../../web/pages/booking';
import { intlTag, type Locale } from '../domain/locale';
import type { Slot } from '../domain/slots';
import { utcToLocal } from '../domain/zoned-time';

/** Groups slots by the practice's local day, labelled and timed in the reader's language. */
export function slotsByDay(slots: Slot[], locale: Locale, timeZone: string): DaySlots[] {
  const dayFormat = new Intl.DateTimeFormat(intlTag(locale), { timeZone, weekday: 'long', day: 'numeric', month: 'long' });
  const timeFormat = new Intl.DateTimeFormat(intlTag(locale), { timeZone, hour: '2-digit', minute: '2-digit' });
  const days = new Map<string, DaySlots>();
  for (const slot of slots) {
    const date = utcToLocal(slot.start, timeZone).date;
    let day = days.get(date);
    if (!day) {
      day = { label: dayFormat.format(slot.start), slots: [] };
      days.set(date, day);
    }
    day.slots.push({ value: new Date(slot.start).toISOString(), label: timeFormat.format(slot.start) });
  }
  return [...days.values()];
}
