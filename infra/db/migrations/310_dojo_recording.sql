-- Whether a live dojo is being recorded (POST /v1/dojo/start turns it on, recording.start|stop
-- toggle it). Kept with the dojo, not only in the room's media, so a room that closed idle, or
-- moved to another node after a failover, records again when it next activates.
ALTER TABLE dojos ADD COLUMN recording boolean NOT NULL DEFAULT false;
