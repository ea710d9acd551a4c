/** A short note when a newer version is held back from this installation (staged rollout or an admin pin). */
export function StagedNote({ id, staged }: { id: string; staged: string | undefined }) {
  if (!staged) return null;
  return (
    <p className="reason muted staged-note" data-testid={`staged-${id}`}>
      Update staged: {staged}
    </p>
  );
}
