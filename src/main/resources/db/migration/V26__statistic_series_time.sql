-- Which column a series counted its rows' times by: a series of the same rows by another time
-- column holds rows whose hours in this one's column are not known, so no day of a new series
-- can be told apart from those it published. Series stored before are taken to have counted by
-- the column their statistic counts by now.
ALTER TABLE lethe.statistic_series ADD COLUMN time_column text;
