/** A room's title bar: its one h1, a line saying what the room is for, and the room's own controls at the right. */
export function RoomHeader({ title, id, lead, children }: { title: string; id?: string; lead?: React.ReactNode; children?: React.ReactNode }) {
  return (
    <div className="room-header">
      <div>
        <h1 id={id}>{title}</h1>
        {lead && <p className="muted">{lead}</p>}
      </div>
      {children && <div className="room-header-aside">{children}</div>}
    </div>
  );
}
