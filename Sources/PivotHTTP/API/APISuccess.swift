import Hummingbird

/// `{"status":"success","data":…}` with optional `warnings` and `infos`, from an encoded `data` value.
func apiSuccess(data: String, warnings: [String] = [], infos: [String] = []) -> Response {
    var body = "{\"status\":\"success\",\"data\":" + data
    if !warnings.isEmpty { body += ",\"warnings\":[" + warnings.map(JSONString.quote).joined(separator: ",") + "]" }
    if !infos.isEmpty { body += ",\"infos\":[" + infos.map(JSONString.quote).joined(separator: ",") + "]" }
    body += "}"
    return jsonResponse(body)
}

/// Encodes a list of strings as a JSON array.
func jsonArray(_ strings: [String]) -> String {
    "[" + strings.map(JSONString.quote).joined(separator: ",") + "]"
}
