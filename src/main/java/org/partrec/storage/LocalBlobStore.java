package org.partrec.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.partrec.publish.BlobStore;

/**
 * Blobs as files under one folder (created as needed), name segments as subfolders. Moves are
 * atomic renames where the file system allows. Files are not forced to disk.
 */
public final class LocalBlobStore implements BlobStore {

    private final Path root;

    public LocalBlobStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public OutputStream create(String name) throws IOException {
        Path file = file(name);
        Files.createDirectories(file.getParent());
        return Files.newOutputStream(file);
    }

    @Override
    public InputStream open(String name) throws IOException {
        return Files.newInputStream(file(name));
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        BlobStore.checkPrefix(prefix);
        Path dir = root.resolve(prefix.substring(0, prefix.lastIndexOf('/') + 1));
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).map(this::name).filter(n -> n.startsWith(prefix)).toList();
        }
    }

    @Override
    public boolean delete(String name) throws IOException {
        return Files.deleteIfExists(file(name));
    }

    @Override
    public void move(String from, String to) throws IOException {
        Path source = file(from);
        Path target = file(to);
        Files.createDirectories(target.getParent());
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * The generation of a file is a hash of its bytes (never 0): two writes of the same bytes are
     * the same state, so a compare-and-set between them loses nothing.
     */
    @Override
    public Versioned read(String name) throws IOException {
        Path file = file(name);
        try {
            byte[] bytes = Files.readAllBytes(file);
            return new Versioned(bytes, generation(bytes));
        } catch (NoSuchFileException e) {
            return Versioned.ABSENT;
        }
    }

    @Override
    public boolean writeIf(String name, byte[] bytes, long generation) throws IOException {
        Path file = file(name);
        Files.createDirectories(file.getParent());
        return underLock(file, () -> {
            if (read(name).generation() != generation) {
                return false;
            }
            Path temporary = file.resolveSibling(file.getFileName() + ".writing");
            Files.write(temporary, bytes);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return true;
        });
    }

    @Override
    public boolean deleteIf(String name, long generation) throws IOException {
        Path file = file(name);
        if (!Files.exists(file)) {
            return false;
        }
        return underLock(file, () -> read(name).generation() == generation && Files.deleteIfExists(file));
    }

    static long generation(byte[] bytes) {
        long h = 1125899906842597L;
        for (byte b : bytes) {
            h = 31 * h + b;
        }
        return h == 0 ? 1 : h;
    }

    /** What a compare-and-set does under the store's lock: its own and every other process's. */
    private interface Locked {
        boolean run() throws IOException;
    }

    /** One lock object per file in this JVM (a file lock is held by the process, not the thread). */
    private static final java.util.concurrent.ConcurrentHashMap<Path, Object> LOCKS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static boolean underLock(Path file, Locked body) throws IOException {
        Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
        synchronized (LOCKS.computeIfAbsent(lockFile, k -> new Object())) {
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock lock = channel.lock()) {
                return body.run();
            }
        }
    }

    @Override
    public String location(String name) {
        return file(name).toUri().toString();
    }

    @Override
    public String toString() {
        return "LocalBlobStore[" + root.toUri() + "]";
    }

    private Path file(String name) {
        return root.resolve(BlobStore.checkName(name));
    }

    private String name(Path file) {
        return root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
    }
}
