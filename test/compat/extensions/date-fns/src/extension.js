// date-fns: calendar arithmetic, formatting with ordinals, distances, intervals.
const {
  addMonths,
  format,
  differenceInCalendarDays,
  formatDistance,
  isLeapYear,
  eachDayOfInterval,
  isWeekend,
  parse,
} = require('date-fns');

function compute() {
  const days = eachDayOfInterval({ start: new Date(2024, 6, 1), end: new Date(2024, 6, 31) });
  return {
    plusMonth: format(addMonths(new Date(2024, 0, 31), 1), 'yyyy-MM-dd'),
    febDays: differenceInCalendarDays(new Date(2024, 2, 1), new Date(2024, 1, 1)),
    formatted: format(new Date(2024, 6, 4), 'EEEE, do MMMM yyyy'),
    distance: formatDistance(new Date(2024, 0, 1, 0, 0), new Date(2024, 0, 1, 0, 45)),
    leap2100: isLeapYear(new Date(2100, 0, 1)),
    weekendDaysInJuly2024: days.filter(isWeekend).length,
    parsed: format(parse('04/07/2024', 'dd/MM/yyyy', new Date(2000, 0, 1)), 'yyyy-MM-dd'),
    nowIsRecent: new Date().getFullYear() >= 2024,
  };
}

exports.compute = compute;
exports.activate = () => {
  host.commands.register('run', async () => ({ type: 'json', value: await compute() }));
};
