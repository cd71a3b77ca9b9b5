-- What rows a series counts (its table's identity: the partition root in its database, or the
-- store and table names where the store cannot tell) and in which time zone its days are: a new
-- series, of this statistic or of another of the same rows (a statistic renamed), must not
-- publish again, cut another way, the days and hours an earlier one published without noise.
-- Series stored before are compared by the statistic's name, and their days taken in the zone
-- that makes them end latest.
ALTER TABLE lethe.statistic_series ADD COLUMN rows_identity text;
ALTER TABLE lethe.statistic_series ADD COLUMN zone text;
