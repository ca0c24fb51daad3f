import { da } from './da';
import { de } from './de';
import { defineMessages } from './define';
import { en, type Messages } from './en';

export const messages = defineMessages(en, { de, da });

export type { Messages };
