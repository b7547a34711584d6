-- Dojos that change (issue 18): what seed 003's Dojo had and ours lacked. A dojo is open to the
-- tenant (anyone with its join code becomes a participant) unless it is private; its initial
-- code seeds the room's shared document when the dojo starts.
ALTER TABLE dojos
  ADD COLUMN description varchar(2000),
  ADD COLUMN is_private boolean NOT NULL DEFAULT false,
  ADD COLUMN initial_code text;
