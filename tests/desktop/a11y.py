"""What a screen reader sees of Sitwell over AT-SPI: prints the application's accessible tree,
one "role: name" line per node, indented by depth. With --press NAME, then presses the push
button named NAME through its AT-SPI action (as Orca's users do) and prints the tree again.

Run with the system's Python (python3-pyatspi) on the session bus Sitwell runs on."""
import argparse
import time

import pyatspi


def lines(node, depth=0):
    out = ["  " * depth + f"{node.getRoleName()}: {node.name}"]
    for child in node:
        if child is not None:
            out += lines(child, depth + 1)
    return out


def find(node, role, name):
    if node.getRoleName() == role and node.name == name:
        return node
    for child in node:
        if child is not None:
            hit = find(child, role, name)
            if hit is not None:
                return hit
    return None


def sitwell(wait_s):
    deadline = time.time() + wait_s
    while True:
        apps = [a for a in pyatspi.Registry.getDesktop(0) if a is not None]
        for app in apps:
            if (app.name or "").lower() == "sitwell":
                return app
        if time.time() > deadline:
            print("no Sitwell on the accessibility bus; applications:", [a.name for a in apps])
            raise SystemExit(1)
        time.sleep(0.5)


parser = argparse.ArgumentParser()
parser.add_argument("--wait", type=float, default=20.0)
parser.add_argument("--press")
args = parser.parse_args()
app = sitwell(args.wait)
print("\n".join(lines(app)))
if args.press:
    button = find(app, "push button", args.press)
    if button is None:
        print(f"no push button {args.press!r}")
        raise SystemExit(1)
    action = button.queryAction()
    print(f"pressing {args.press!r}: {action.getName(0)}")
    action.doAction(0)
    time.sleep(1.5)
    print("after pressing:")
    print("\n".join(lines(app)))
