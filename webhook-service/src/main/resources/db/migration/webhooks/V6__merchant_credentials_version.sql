-- Merchant events carry how many times the merchant's API secret was replaced: credentials only
-- replace those of a lower version, and credentials_at only decides between events of the same
-- version (those written before versions existed are all 0). Times alone could not order two
-- rotations in one second, or one made on an instance whose clock was behind.
ALTER TABLE merchants ADD COLUMN credentials_version bigint NOT NULL DEFAULT 0;
