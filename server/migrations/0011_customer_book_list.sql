-- The console's customer book (issue 11): every list is of active customers unless it asks
-- for archived ones, so the archive state leads each list index, then the filter, then the
-- list's order (name, id). A VIRTUAL generated column, so every writer keeps it with no code.
ALTER TABLE customers ADD COLUMN archived INTEGER
    GENERATED ALWAYS AS (archived_at IS NOT NULL) VIRTUAL;

-- 0010's list indexes did not lead with the archive state; these replace them.
DROP INDEX customers_class_name;
DROP INDEX customers_region_name;
DROP INDEX customers_vip_name;
DROP INDEX customers_last_visit;
DROP INDEX customers_name_id;

-- Each combination of class, VIP and region is the equality prefix of one index, so a page
-- in name order is a range of it (a name prefix narrows the range further).
CREATE INDEX customers_book_name ON customers (archived, name, id);
CREATE INDEX customers_book_class ON customers (archived, class, name, id);
CREATE INDEX customers_book_vip ON customers (archived, vip, name, id);
CREATE INDEX customers_book_region ON customers (archived, region, name, id);
CREATE INDEX customers_book_class_vip ON customers (archived, class, vip, name, id);
CREATE INDEX customers_book_region_class ON customers (archived, region, class, name, id);
CREATE INDEX customers_book_region_vip ON customers (archived, region, vip, name, id);
CREATE INDEX customers_book_region_class_vip
    ON customers (archived, region, class, vip, name, id);
-- "Last visit before": never visited ('0') first, then oldest visit.
CREATE INDEX customers_book_last_visit
    ON customers (archived, coalesce(last_visit_at, '0'), id);
-- Contact search: the last four digits (a masked pattern's end), in name order.
CREATE INDEX customers_book_contact_end
    ON customers (archived, substr(contact, -4), name, id);
