-- How many times a merchant's API secret was replaced: merchant events carry it, and the other
-- services' projections keep the credentials of the highest, whatever order the events arrive in
-- and whatever the clocks of the instances that wrote them. A rotation moves it by one, and only
-- from the value it read, so two rotations at once cannot both succeed.
ALTER TABLE merchants ADD COLUMN credentials_version bigint NOT NULL DEFAULT 0;
