-- Whether a dojo's room is active somewhere: set when an activation claims its epoch, cleared by
-- that activation's clean close (a shutdown, the room emptied, the dojo stopped). An activation
-- that finds it still set took the room over from one that never closed it (its node died or lost
-- the lease): a failover, counted in pocdojo_dojo_failovers_total.
ALTER TABLE dojos ADD COLUMN room_open boolean NOT NULL DEFAULT false;
