import { defineSObject, sf, type RecordOf } from 'rxforce';

export const Account = defineSObject('Account', {
  Id: sf.id(),
  Name: sf.string({ length: 255 }),
  Industry: sf.string({ length: 255 }).nullable().optional(),
});
export type Account = RecordOf<typeof Account>;
