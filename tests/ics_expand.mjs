// Expand every VEVENT of an iCalendar file with ical.js (npm, from node_modules), for
// tests/test_ics.py: prints {uid: {days, utc, alarms, tzid}} as JSON.
// Usage: node tests/ics_expand.mjs FILE UNTIL(YYYY-MM-DD)
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const ICAL = (await import(pathToFileURL(path.join(root, 'node_modules/ical.js/dist/ical.js')))).default;
const [file, until] = process.argv.slice(2);
const calendar = new ICAL.Component(ICAL.parse(fs.readFileSync(file, 'utf8')));
for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
const found = {};
for (const component of calendar.getAllSubcomponents('vevent')) {
  const event = new ICAL.Event(component);
  const iterator = event.iterator();
  const days = [];
  const utc = [];
  for (let next = iterator.next(); next && next.toString().slice(0, 10) <= until; next = iterator.next()) {
    days.push(next.toString().slice(0, 10));
    utc.push(next.isDate ? null : next.convertToZone(ICAL.Timezone.utcTimezone).toString());
  }
  found[event.uid] = {
    days,
    utc,
    alarms: component.getAllSubcomponents('valarm').map((a) => [
      a.getFirstPropertyValue('action'),
      a.getFirstPropertyValue('trigger').toString(),
    ]),
    tzid: component.getFirstProperty('dtstart').getParameter('tzid') || null,
  };
}
console.log(JSON.stringify(found));
