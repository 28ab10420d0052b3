import PivotAuth
import Yams

#if canImport(Glibc)
import Glibc
#endif

extension WebConfig {
    /// Keys of Prometheus's web configuration that Pivot recognises but does not implement; they
    /// get their own message instead of "unknown key".
    static let unsupportedPrometheusKeys: Set<String> = [
        "http_server_config", "rate_limit",
        "tls_server_config.min_version", "tls_server_config.max_version", "tls_server_config.cipher_suites",
        "tls_server_config.curve_preferences", "tls_server_config.prefer_server_cipher_suites",
        "tls_server_config.client_allowed_sans", "tls_server_config.cert", "tls_server_config.key",
        "tls_server_config.client_ca",
    ]

    /// Reads and parses the file at `path`; relative paths inside it are relative to its directory.
    public static func load(path: String, cacheCapacity: Int) throws(ParseError) -> WebConfig {
        let text = try readFile(path, purpose: "the web config file")
        let directory = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        return try parse(yaml: text, relativeTo: directory.isEmpty ? "/" : directory, cacheCapacity: cacheCapacity)
    }

    /// Parses the YAML text strictly: unknown keys, duplicate keys, wrong types, bad bcrypt hashes
    /// and unreadable files are errors.
    public static func parse(yaml: String, relativeTo directory: String, cacheCapacity: Int = 1000) throws(ParseError) -> WebConfig {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw ParseError("not valid YAML: " + "\(error)".split(whereSeparator: \.isNewline).joined(separator: " "))
        }
        guard let root else { return WebConfig() }
        let top = try mapping(root, at: "")
        try checkKeys(top, at: "", allowed: ["tls_server_config", "basic_auth_users", "bearer_tokens", "authorization"])

        var config = WebConfig()
        if let node = top["tls_server_config"] {
            config.tls = try tlsServer(node, relativeTo: directory)
        }

        var users: [String: BcryptHash] = [:]
        if let node = top["basic_auth_users"] {
            for (user, value) in try mapping(node, at: "basic_auth_users") {
                let text = try scalar(value, at: "basic_auth_users.\(user)")
                do throws(BcryptHash.FormatError) {
                    users[user] = try BcryptHash(text)
                } catch {
                    throw ParseError("basic_auth_users.\(user): \(error.message)")
                }
            }
        }

        var tokens: [Authenticator.BearerToken] = []
        if let node = top["bearer_tokens"] {
            guard case .sequence(let list) = node else { throw ParseError("bearer_tokens: must be a list") }
            for (index, item) in list.enumerated() {
                let at = "bearer_tokens[\(index)]"
                let fields = try mapping(item, at: at)
                try checkKeys(fields, at: at, allowed: ["name", "token", "token_file"])
                guard let nameNode = fields["name"] else { throw ParseError("\(at): missing name") }
                let name = try scalar(nameNode, at: "\(at).name")
                switch (fields["token"], fields["token_file"]) {
                case (let token?, nil):
                    tokens.append(.init(name: name, token: try scalar(token, at: "\(at).token")))
                case (nil, let file?):
                    let path = resolve(try scalar(file, at: "\(at).token_file"), relativeTo: directory)
                    let contents = try readFile(path, purpose: "\(at).token_file")
                    tokens.append(.init(name: name, token: String(contents.trimmingWhitespace())))
                case (nil, nil):
                    throw ParseError("\(at): needs token or token_file")
                case (.some, .some):
                    throw ParseError("\(at): has both token and token_file; give one")
                }
            }
        }

        var roleMembers: [AccessRole: Set<String>] = [:]
        if let node = top["authorization"] {
            let roles = try mapping(node, at: "authorization")
            try checkKeys(roles, at: "authorization", allowed: AccessRole.allCases.map(\.rawValue))
            for role in AccessRole.allCases {
                guard let list = roles[role.rawValue] else { continue }
                let at = "authorization.\(role.rawValue)"
                guard case .sequence(let names) = list else { throw ParseError("\(at): must be a list of user or token names") }
                var members = Set<String>()
                for (index, name) in names.enumerated() { members.insert(try scalar(name, at: "\(at)[\(index)]")) }
                roleMembers[role] = members
            }
        }

        if !users.isEmpty || !tokens.isEmpty {
            do throws(Authenticator.ConfigurationError) {
                config.authenticator = try Authenticator(
                    users: users, bearerTokens: tokens, roleMembers: roleMembers, cacheCapacity: cacheCapacity)
            } catch {
                throw ParseError(error.message)
            }
        } else if top["authorization"] != nil {
            throw ParseError("authorization: needs basic_auth_users or bearer_tokens to name")
        }
        return config
    }

    private static func tlsServer(_ node: Node, relativeTo directory: String) throws(ParseError) -> TLSServer {
        let at = "tls_server_config"
        let fields = try mapping(node, at: at)
        try checkKeys(fields, at: at, allowed: ["cert_file", "key_file", "client_ca_file", "client_auth_type"])
        func file(_ key: String) throws(ParseError) -> String? {
            guard let node = fields[key] else { return nil }
            let text = try scalar(node, at: "\(at).\(key)")
            guard !text.isEmpty else { return nil }
            let path = resolve(text, relativeTo: directory)
            guard access(path, R_OK) == 0 else {
                throw ParseError("\(at).\(key): cannot read \(path): \(String(cString: strerror(errno)))")
            }
            return path
        }
        guard let certFile = try file("cert_file") else { throw ParseError("\(at): missing cert_file") }
        guard let keyFile = try file("key_file") else { throw ParseError("\(at): missing key_file") }
        let clientCAFile = try file("client_ca_file")
        var clientAuth = TLSServer.ClientAuth.noClientCert
        if let node = fields["client_auth_type"] {
            let text = try scalar(node, at: "\(at).client_auth_type")
            if let value = TLSServer.ClientAuth(rawValue: text) {
                clientAuth = value
            } else if ["RequestClientCert", "RequireAnyClientCert", "VerifyClientCertIfGiven"].contains(text) {
                throw ParseError("\(at).client_auth_type: \(text) is not supported by Pivot; use NoClientCert or RequireAndVerifyClientCert")
            } else if !text.isEmpty {
                throw ParseError("\(at).client_auth_type: unknown value \"\(text)\"; use NoClientCert or RequireAndVerifyClientCert")
            }
        }
        if clientAuth == .requireAndVerifyClientCert && clientCAFile == nil {
            throw ParseError("\(at): client_auth_type RequireAndVerifyClientCert needs client_ca_file")
        }
        if clientAuth == .noClientCert && clientCAFile != nil {
            throw ParseError("\(at): client_ca_file is set but client_auth_type is NoClientCert; set RequireAndVerifyClientCert")
        }
        return TLSServer(certFile: certFile, keyFile: keyFile, clientCAFile: clientCAFile, clientAuth: clientAuth)
    }

    // MARK: Strict YAML access

    /// A mapping's entries in order; duplicate keys are an error.
    private static func mapping(_ node: Node, at path: String) throws(ParseError) -> KeyValues {
        guard case .mapping(let mapping) = node else {
            throw ParseError("\(path.isEmpty ? "the file" : path): must be a mapping of keys to values")
        }
        var result = KeyValues()
        for (key, value) in mapping {
            let name = try scalar(key, at: path.isEmpty ? "a key" : "a key of \(path)")
            guard result[name] == nil else { throw ParseError("\(join(path, name)): given twice") }
            result.entries.append((name, value))
        }
        return result
    }

    private static func scalar(_ node: Node, at path: String) throws(ParseError) -> String {
        guard case .scalar(let scalar) = node else { throw ParseError("\(path): must be a single value") }
        return scalar.string
    }

    private static func checkKeys(_ mapping: KeyValues, at path: String, allowed: [String]) throws(ParseError) {
        for (key, _) in mapping.entries where !allowed.contains(key) {
            let full = join(path, key)
            if unsupportedPrometheusKeys.contains(full) {
                throw ParseError("\(full): this Prometheus web config key is not supported by Pivot")
            }
            throw ParseError("\(full): unknown key (known here: \(allowed.joined(separator: ", ")))")
        }
    }

    private static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    static func resolve(_ path: String, relativeTo directory: String) -> String {
        path.hasPrefix("/") ? path : (directory.hasSuffix("/") ? directory : directory + "/") + path
    }

    static func readFile(_ path: String, purpose: String) throws(ParseError) -> String {
        guard let file = fopen(path, "rb") else {
            throw ParseError("\(purpose): cannot read \(path): \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count > 0 { bytes += buffer[0..<count] }
            if count < buffer.count { break }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ParseError("\(purpose): \(path) is not UTF-8 text")
        }
        return text
    }

    /// Mapping entries in file order, looked up by key.
    struct KeyValues: Sequence {
        var entries: [(String, Node)] = []
        subscript(key: String) -> Node? { entries.first(where: { $0.0 == key })?.1 }
        func makeIterator() -> IndexingIterator<[(String, Node)]> { entries.makeIterator() }
    }
}

extension StringProtocol {
    fileprivate func trimmingWhitespace() -> SubSequence {
        let start = firstIndex(where: { !$0.isWhitespace }) ?? endIndex
        let end = lastIndex(where: { !$0.isWhitespace }).map { index(after: $0) } ?? start
        return self[start..<end]
    }
}
