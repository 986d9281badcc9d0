-- Preset and template versions are immutable (editing makes a new version), and the cost ledger
-- is append-only: the database refuses changes, whatever the application does.
CREATE OR REPLACE FUNCTION kiln_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '% is immutable: % is not allowed', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER preset_versions_immutable BEFORE UPDATE OR DELETE ON preset_versions
  FOR EACH ROW EXECUTE FUNCTION kiln_refuse_change();
--> statement-breakpoint
CREATE TRIGGER template_versions_immutable BEFORE UPDATE OR DELETE ON template_versions
  FOR EACH ROW EXECUTE FUNCTION kiln_refuse_change();
--> statement-breakpoint
CREATE TRIGGER cost_ledger_append_only BEFORE UPDATE OR DELETE ON cost_ledger
  FOR EACH ROW EXECUTE FUNCTION kiln_refuse_change();
