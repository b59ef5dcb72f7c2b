-- Merchant events carry how many times the merchant's API secret was replaced: an event only
-- replaces what an event of a lower version wrote, and (version_at, version_rank) only decide
-- between events of the same version (those written before versions existed are all 0). Times
-- alone could not order two rotations in one second, or one made on an instance whose clock was
-- behind.
ALTER TABLE merchants ADD COLUMN credentials_version bigint NOT NULL DEFAULT 0;
