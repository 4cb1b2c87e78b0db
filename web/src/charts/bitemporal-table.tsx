/**
 * The bitemporal picture in words: one row per drawn mark, from the same list the chart draws. Beyond a few
 * hundred events the picture is a canvas, which holds no marks a screen reader (or a test) can read; this table
 * is its accessible equivalent at every size. Visually hidden: sighted readers have the picture and the event
 * list below it.
 */
import { EVENT_STYLE, type BitemporalMark } from './bitemporal';

export function BitemporalTable({ id, marks, subject }: { id: string; marks: readonly BitemporalMark[]; subject: string }) {
  return (
    // The hiding is on a block wrapper: a table grows to its content whatever its width, and would widen the page.
    <div class="visually-hidden">
    <table id={id} data-testid="picture-marks">
      <caption>Every mark of the bitemporal picture of {subject} ({marks.length}): effective date across, recorded time up</caption>
      <thead><tr><th scope="col">Event</th><th scope="col">What it is</th><th scope="col">Drawn as</th><th scope="col">Effective date</th><th scope="col">Recorded at</th></tr></thead>
      <tbody>
        {marks.map((m) => {
          const style = EVENT_STYLE[m.entry.type];
          return (
            <tr key={m.entry.eventId} data-type={m.entry.type}>
              {/* One string per cell: `{a}. {b}` would be three text nodes, 2,000 more for a long history. */}
              <td>{`${m.index + 1}. ${m.entry.type}`}</td>
              <td>{style?.meaning ?? m.entry.type}</td>
              <td>{style?.drawn ?? 'mark'}</td>
              <td>{m.effective}</td>
              <td>{m.entry.recordedAt}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
    </div>
  );
}
