import { CsrfField, FieldError, FormAlert, Layout, type PageContext } from '../components/layout';
import type { BookingMessages } from '../i18n/booking';
import { type FormState, TextField } from '../components/text-field';

export type TypeOption = { id: string; name: string; durationMin: number; mode: 'video' | 'in_person'; priceText: string | null };
export type DaySlots = { label: string; slots: { value: string; label: string }[] };

export function SlotPicker(props: { days: DaySlots[]; b: BookingMessages; state: FormState }) {
  const { b } = props;
  return (
    <fieldset>
      <legend>{b.chooseTime}</legend>
      <p class="hint">{b.timesIn}</p>
      {props.days.length === 0 ? <p>{b.noSlots}</p> : null}
      {props.days.map((day) => (
        <fieldset class="day">
          <legend>{day.label}</legend>
          <div class="slots">
            {day.slots.map((slot) => (
              <label class="slot">
                <input type="radio" name="start" value={slot.value} required checked={props.state.values?.start === slot.value} />
                <span>{slot.label}</span>
              </label>
            ))}
          </div>
        </fieldset>
      ))}
      <FieldError id="start-error" messages={props.state.fields?.start} />
    </fieldset>
  );
}

export function BookingPage(props: {
  page: PageContext;
  b: BookingMessages;
  practice: { name: string; slug: string };
  therapistName: string;
  types: TypeOption[];
  selectedTypeId: string;
  days: DaySlots[];
  from: string;
  prevFrom: string | null;
  nextFrom: string;
  terms: { version: number; text: string };
  state: FormState;
}) {
  const { b, state, practice } = props;
  const base = `/book/${practice.slug}`;
  const termsErrors = state.fields?.acceptTerms ?? state.fields?.termsVersion;
  return (
    <Layout page={props.page} title={`${b.bookWith} – ${practice.name}`}>
      <p>
        {b.with} {props.therapistName}
      </p>
      <FormAlert message={state.message} />
      <nav aria-label={b.appointmentType}>
        <ul class="types">
          {props.types.map((type) => (
            <li>
              <a href={`${base}?type=${type.id}&from=${props.from}`} aria-current={type.id === props.selectedTypeId ? 'true' : undefined}>
                {type.name}
              </a>{' '}
              <span class="hint">
                {type.durationMin} {b.minutes} · {type.mode === 'video' ? b.video : b.inPerson}
                {type.priceText ? ` · ${type.priceText}` : ''}
              </span>
            </li>
          ))}
        </ul>
      </nav>
      <form class="stack" method="post" action={base}>
        <CsrfField session={props.page.session} />
        <input type="hidden" name="typeId" value={props.selectedTypeId} />
        <input type="hidden" name="termsVersion" value={String(props.terms.version)} />
        <SlotPicker days={props.days} b={b} state={state} />
        <p class="pager">
          {props.prevFrom ? <a href={`${base}?type=${props.selectedTypeId}&from=${props.prevFrom}`}>{b.earlier}</a> : null}{' '}
          <a href={`${base}?type=${props.selectedTypeId}&from=${props.nextFrom}`}>{b.later}</a>
        </p>
        <TextField name="name" label={b.yourName} hint={b.yourNameHint} state={state} maxlength={80} autocomplete="nickname" />
        <TextField name="email" type="email" label={b.yourEmail} hint={b.yourEmailHint} state={state} autocomplete="email" />
        <h2>
          {b.terms} <span class="hint">({b.termsVersion} {props.terms.version})</span>
        </h2>
        <pre class="legal" tabindex={0}>
          {props.terms.text}
        </pre>
        <label class="check">
          <input type="checkbox" name="acceptTerms" value="true" required aria-invalid={termsErrors ? 'true' : undefined} aria-describedby={termsErrors ? 'acceptTerms-error' : undefined} />
          <span>{b.acceptTerms}</span>
        </label>
        <FieldError id="acceptTerms-error" messages={termsErrors} />
        <label class="check">
          <input type="checkbox" name="reminders" value="true" />
          <span>{b.reminders}</span>
        </label>
        <button type="submit">{b.book}</button>
      </form>
    </Layout>
  );
}

export function TermsPage(props: { page: PageContext; b: BookingMessages; practiceName: string; terms: { version: number; text: string; sha256: string } }) {
  return (
    <Layout page={props.page} title={`${props.b.terms} – ${props.practiceName}`}>
      <p class="hint">
        {props.b.termsVersion} {props.terms.version} · SHA-256 <code>{props.terms.sha256}</code>
      </p>
      <pre class="legal" tabindex={0}>
        {props.terms.text}
      </pre>
    </Layout>
  );
}
