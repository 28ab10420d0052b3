import Foundation
import PivotFuzzTargets

/// Runs one fuzz target: under libFuzzer when built with `-DPIVOT_FUZZ` (see `make fuzz`), otherwise
/// by replaying the files and directories given (a reproducer for a crash file, usable in any build).
enum FuzzDriver {
    /// The target libFuzzer's C callback feeds; set once before the driver starts.
    nonisolated(unsafe) static var target: FuzzTarget = .promql

    static let usage = """
        usage: pivot-fuzz <target> [libFuzzer options and corpus directories...]
               pivot-fuzz <target> <file or directory>...   (replay, in a build without -DPIVOT_FUZZ)
               pivot-fuzz --list
        """

    static func main(_ arguments: [String]) -> Int32 {
        guard arguments.count >= 2 else {
            FileHandle.standardError.write(Data((usage + "\n").utf8))
            return 2
        }
        if arguments[1] == "--list" {
            for target in FuzzTarget.allCases {
                print("\(target.rawValue)\t\(target.summary)")
            }
            return 0
        }
        guard let target = FuzzTarget(rawValue: arguments[1]) else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
            FileHandle.standardError.write(Data("unknown target \"\(arguments[1])\"; targets: \(names)\n".utf8))
            return 2
        }
        Self.target = target
        // The program name stays first; the target name is not a libFuzzer argument.
        let rest = [arguments[0]] + arguments.dropFirst(2)
        #if PIVOT_FUZZ
        return runLibFuzzer(rest)
        #else
        return replay(rest.dropFirst().filter { !$0.hasPrefix("-") })
        #endif
    }

    /// Feeds every file named (directories: every regular file below them, in name order) to the target.
    static func replay(_ paths: some Sequence<String>) -> Int32 {
        var count = 0
        for path in paths {
            for file in files(at: path) {
                guard let data = FileManager.default.contents(atPath: file) else {
                    FileHandle.standardError.write(Data("cannot read \(file)\n".utf8))
                    return 1
                }
                target.run(Array(data))
                count += 1
            }
        }
        print("\(target.rawValue): replayed \(count) inputs, 0 crashes")
        return 0
    }

    static func files(at path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [] }
        guard isDirectory.boolValue else { return [path] }
        let entries = (FileManager.default.enumerator(atPath: path)?.allObjects as? [String]) ?? []
        return entries.sorted().map { path + "/" + $0 }.filter { file in
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: file, isDirectory: &isDir) && !isDir.boolValue
        }
    }

    #if PIVOT_FUZZ
    /// Hands control to libFuzzer's driver (linked from `libclang_rt.fuzzer_no_main`).
    static func runLibFuzzer(_ arguments: [String]) -> Int32 {
        var argc = CInt(arguments.count)
        let argv = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: arguments.count + 1)
        for (index, argument) in arguments.enumerated() {
            argv[index] = strdup(argument)
        }
        argv[arguments.count] = nil
        var argvPointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
        return LLVMFuzzerRunDriver(&argc, &argvPointer) { data, size in
            FuzzDriver.target.run(UnsafeRawBufferPointer(start: data, count: size))
            return 0
        }
    }
    #endif
}

#if PIVOT_FUZZ
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt
#endif
