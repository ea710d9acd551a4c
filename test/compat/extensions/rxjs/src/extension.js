// rxjs: operators over synchronous sources, subjects, and timers (setTimeout/setInterval).
const { from, interval, Subject, firstValueFrom, lastValueFrom } = require('rxjs');
const { filter, map, reduce, take, toArray, scan, debounceTime } = require('rxjs/operators');

async function compute() {
  const sum = await firstValueFrom(
    from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]).pipe(
      filter((x) => x % 2 === 0),
      map((x) => x * x),
      reduce((a, b) => a + b, 0),
    ),
  );
  const ticks = await lastValueFrom(interval(2).pipe(take(3), toArray()));
  const subject = new Subject();
  const seen = [];
  subject.pipe(scan((acc, x) => acc + x, 0)).subscribe((v) => seen.push(v));
  subject.next(1);
  subject.next(2);
  subject.next(3);
  subject.complete();
  const debounced = await lastValueFrom(from(['a', 'b', 'c']).pipe(debounceTime(5), toArray()));
  return { sum, ticks, seen, debounced };
}

exports.compute = compute;
exports.activate = () => {
  host.commands.register('run', async () => ({ type: 'json', value: await compute() }));
};
