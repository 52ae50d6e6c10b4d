<?php
// storeplane clone: rewrite the source store's URL to the clone's in every
// table of the site, run by restore.sh through `wp eval-file` (WordPress
// loaded, $wpdb connected). It does what `wp search-replace OLD NEW
// --all-tables-with-prefix --skip-columns=guid --precise` does: serialized
// values (options, post meta, widgets) are unserialized, rewritten and
// serialized again, so their string lengths stay right. It is ours because
// the WP-CLI the engine suites run (the composer bundle of the test stack)
// ships without search-replace-command: one path, run for real here, beats
// a command the tests could not reach.
//
// Tenant data is untrusted: unserialize() never instantiates classes
// (allowed_classes=false), so no object of the site's code runs here; a
// value holding an object is left as it is.

$from = (string) getenv('CLONE_FROM_URL');
$to = (string) getenv('STORE_URL');
if ($from === '' || $to === '') {
	WP_CLI::error('CLONE_FROM_URL and STORE_URL must be set');
}

function storeplane_rewrite($value, $from, $to, &$skipped) {
	if (is_string($value)) {
		if (is_serialized($value)) {
			$inner = @unserialize($value, array('allowed_classes' => false));
			if ($inner === false && $value !== serialize(false)) {
				return $value; // not actually serialized data: leave it alone
			}
			if (storeplane_holds_object($inner)) {
				$skipped++;
				return $value;
			}
			return serialize(storeplane_rewrite($inner, $from, $to, $skipped));
		}
		return str_replace($from, $to, $value);
	}
	if (is_array($value)) {
		foreach ($value as $key => $item) {
			$value[$key] = storeplane_rewrite($item, $from, $to, $skipped);
		}
	}
	return $value;
}

function storeplane_holds_object($value) {
	if (is_object($value)) {
		return true;
	}
	if (is_array($value)) {
		foreach ($value as $item) {
			if (storeplane_holds_object($item)) {
				return true;
			}
		}
	}
	return false;
}

global $wpdb;
$tables = $wpdb->get_col($wpdb->prepare('SHOW TABLES LIKE %s', $wpdb->esc_like($wpdb->prefix) . '%'));
$changed = 0;
$skipped = 0;
foreach ($tables as $table) {
	$columns = $wpdb->get_results("SHOW COLUMNS FROM `$table`");
	$keys = array();
	$texts = array();
	foreach ($columns as $column) {
		if ($column->Key === 'PRI') {
			$keys[] = $column->Field;
		}
		if (preg_match('/char|text/i', $column->Type) && $column->Field !== 'guid') {
			$texts[] = $column->Field;
		}
	}
	if (!$keys || !$texts) {
		continue; // a row cannot be addressed without a primary key (search-replace skips these too)
	}
	foreach ($texts as $field) {
		$select = implode(', ', array_map(function ($k) { return "`$k`"; }, array_unique(array_merge($keys, array($field)))));
		$rows = $wpdb->get_results($wpdb->prepare("SELECT $select FROM `$table` WHERE `$field` LIKE %s", '%' . $wpdb->esc_like($from) . '%'), ARRAY_A);
		foreach ($rows as $row) {
			$new = storeplane_rewrite($row[$field], $from, $to, $skipped);
			if ($new === $row[$field]) {
				continue;
			}
			$where = array();
			foreach ($keys as $k) {
				$where[$k] = $row[$k];
			}
			if ($wpdb->update($table, array($field => $new), $where) === false) {
				WP_CLI::error("could not update $table.$field: " . $wpdb->last_error);
			}
			$changed++;
		}
	}
}
WP_CLI::log("rewrote $changed values from $from to $to" . ($skipped ? " ($skipped serialized objects left as they were)" : ''));
