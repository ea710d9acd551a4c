// dayjs with plugins: parsing, month arithmetic across a leap day, relative time, formatting.
const dayjs = require('dayjs');
const utc = require('dayjs/plugin/utc');
const relativeTime = require('dayjs/plugin/relativeTime');
const customParseFormat = require('dayjs/plugin/customParseFormat');

dayjs.extend(utc);
dayjs.extend(relativeTime);
dayjs.extend(customParseFormat);

function compute() {
  const start = dayjs.utc('2024-01-31T10:00:00Z');
  return {
    plusMonth: start.add(1, 'month').format('YYYY-MM-DD'),
    febDays: dayjs.utc('2024-03-01').diff(dayjs.utc('2024-02-01'), 'day'),
    weekday: dayjs.utc('2024-07-04').day(),
    formatted: dayjs.utc('2024-07-04T15:04:05Z').format('dddd D MMMM YYYY HH:mm:ss'),
    relative: dayjs.utc('2024-01-01').from(dayjs.utc('2024-03-01')),
    parsed: dayjs.utc('31/12/2023 23:59', 'DD/MM/YYYY HH:mm').add(1, 'minute').toISOString(),
    nowIsRecent: dayjs().year() >= 2024,
  };
}

exports.compute = compute;
exports.activate = () => {
  host.commands.register('run', async () => ({ type: 'json', value: await compute() }));
};
