import { Layout, type PageContext } from '../components/layout';

export type CallPageProps = {
  page: PageContext;
  role: 'therapist' | 'client';
  appointmentId: string;
  practiceName: string;
  when: string;
  nonce: string | undefined;
};

/** Placeholder until the call page lands; the route and its data are final. */
export function CallPage(props: CallPageProps) {
  return (
    <Layout page={props.page} title={props.practiceName}>
      <p>{props.when}</p>
    </Layout>
  );
}
