/**
 * Cairn's one JSON layer: Jackson everywhere (Vert.x's {@code JsonObject} is Jackson underneath).
 *
 * <ul>
 *   <li>Small answers and messages are built as {@code JsonObject} / {@code JsonArray}, with the
 *       shared forms of Cairn's values in {@link dev.cairn.server.json.JsonMapping} (the ONNX and
 *       model answers use Jackson's tree model through {@code OnnxJson}).
 *   <li>Large answers (chart series, exports of every point) stream through {@link
 *       dev.cairn.server.json.JsonWriter}: a Jackson generator writing UTF-8 straight into the
 *       response buffer, with one rule for numbers (NaN and infinities as {@code null}, chart
 *       values to float precision).
 *   <li>No JSON is built by hand with string concatenation or a {@code StringBuilder}: escaping and
 *       number formatting belong to Jackson.
 * </ul>
 *
 * <p>The dashboard's TypeScript types (tracker-ui/src/types.ts) are checked against real answers by
 * {@code UiContractTest}, which runs tracker-ui/contract/check.mjs.
 */
package dev.cairn.server.json;
