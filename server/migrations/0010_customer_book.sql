-- 客户档案 kept by the centre itself (issue 11): the fields a CRM export carries, archiving,
-- tags and the last visit, each filter of the console's customer list led by an index.

-- The CRM's own id: an import upserts by it. NULL for customers made in Huifang.
ALTER TABLE customers ADD COLUMN external_id TEXT;
ALTER TABLE customers ADD COLUMN region TEXT NOT NULL DEFAULT '';
-- 购买产品 as the CRM words it, and the purchase date (YYYY-MM-DD) when known.
ALTER TABLE customers ADD COLUMN products TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN purchase_date TEXT;
-- An archived customer gets no new tasks but keeps its history.
ALTER TABLE customers ADD COLUMN archived_at TEXT;
ALTER TABLE customers ADD COLUMN created_at TEXT;
ALTER TABLE customers ADD COLUMN updated_at TEXT;
-- The newest contacted_at of the customer's visits, kept by the trigger below, so "last
-- visit before a date" is an index range and not a search of a million visits.
ALTER TABLE customers ADD COLUMN last_visit_at TEXT;

UPDATE customers SET last_visit_at = (
    SELECT max(contacted_at) FROM visits WHERE visits.customer_id = customers.id
);

CREATE TRIGGER customers_last_visit AFTER INSERT ON visits
BEGIN
    UPDATE customers SET last_visit_at = NEW.contacted_at
    WHERE id = NEW.customer_id
      AND (last_visit_at IS NULL OR last_visit_at < NEW.contacted_at);
END;

-- Tags, one row each, so a tag filter is an index lookup.
CREATE TABLE customer_tags (
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    tag         TEXT NOT NULL,
    PRIMARY KEY (customer_id, tag)
) STRICT, WITHOUT ROWID;
CREATE INDEX customer_tags_tag ON customer_tags (tag, customer_id);

CREATE UNIQUE INDEX customers_external_id ON customers (external_id)
    WHERE external_id IS NOT NULL;
-- An import without an external id upserts by the whole contact.
CREATE INDEX customers_contact ON customers (contact);
CREATE INDEX customers_class_name ON customers (class, name, id);
CREATE INDEX customers_region_name ON customers (region, name, id);
CREATE INDEX customers_vip_name ON customers (name, id) WHERE vip = 1;
CREATE INDEX customers_last_visit ON customers (last_visit_at, id);
CREATE INDEX customers_purchase_date ON customers (purchase_date, id)
    WHERE purchase_date IS NOT NULL;
CREATE INDEX customers_name_id ON customers (name, id);
