/**
 * The dojos a report counts as dojos: not a kata's breakout rooms, which are dojo rows of their
 * own (parent_dojo_id set, actors/dojo-room/Breakouts.ts) and count in kata analytics instead; a
 * kata with three rooms is one dojo held, not four. One condition for every report that counts
 * or lists dojos. `d` is the query's alias for the dojos table.
 */
export const TOP_LEVEL_DOJO = (d = 'd') => `${d}.parent_dojo_id IS NULL`;
